package store

// ReplicaGoneForTest exposes which failures of a replica read send the
// read to the primary.
var ReplicaGoneForTest = replicaGone
