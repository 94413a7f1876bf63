// Package oversight holds the rules by which the oversight body holds the
// chief officer to account: the requirements it sets, the notices it puts
// the chief officer on, the plans the chief officer's office answers with
// (commitments tied to published measures), the body's assessments of them,
// whether each commitment is on track by the live figures, and, in their own
// files, the body's meetings and posts.
//
// It is plain Go: no SQL and no HTTP. It knows the measures by their
// catalogue (internal/measures) and never sees case content: what it shows
// of the force's work is what the published measures show.
package oversight
