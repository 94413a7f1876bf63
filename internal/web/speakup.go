package web

import (
	"context"
	"net/http"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/imagemeta"
	"github.com/probity/probity/internal/speakup"
)

// Speak-up: officers and staff report wrongdoing, named or anonymously,
// and guardians answer. The rules are internal/speakup's; this adapter is
// in five files: this one (routes, limits, throttling), the reporter's door
// (speakup_reporter.go), the guardians' inbox (speakup_guardian.go), the
// reveal of a named reporter (speakup_reveal.go) and the audit of what
// reporters do with its daily batch (speakup_audit.go). The reporter's
// door must not learn who is reporting, so on those routes:
//   - nothing reads the session cookie or the Authorization header: guard
//     hands every public route straight to its handler, so a report
//     cannot be tied to a signed-in session even by a last-seen time;
//   - the client address is used only by the rate limiter, which keeps an
//     HMAC of it under a key that lives in memory for an hour;
//   - audit entries have no source and no actor id, and for an anonymous
//     report carry only the day and wait for the day's batch to join the
//     log (recordReporterAction; the design is at the top of
//     store/speakup.go);
//   - nothing is logged but the path of a request that failed on our side;
//   - a receipt lookup does the same work and gives the same answer
//     whether or not the reference exists.

// Limits. A JSON report carries up to three files in base64, a third
// larger than the files themselves.
const (
	maxSpeakUpJSON   = speakup.MaxAttachments*(speakup.MaxAttachmentSize/3*4+8) + 64<<10
	maxSpeakUpForm   = speakup.MaxAttachmentSize + 64<<10
	maxThreadRequest = 64 << 10
	// speakUpBucket is the size a reporter's thread answers are padded to
	// a multiple of, so that the length of an answer says little about
	// the thread, and the "no such report" answer is always one size.
	speakUpBucket = 4096
)

// speakUpDeadline is how long a reporter's request may take. It is well
// inside the server's write timeout (60 s in cmd/probity), so that a
// request slowed by large images or a busy database is abandoned, and
// rolled back, while its answer can still reach the reporter: a report
// must not be kept whose reference and receipt the reporter never saw,
// since they would think it lost and could never follow it up.
var speakUpDeadline = 30 * time.Second

// speakUpImages decodes the reports' images, a few at a time for the
// whole process (see imagemeta.Stripper).
var speakUpImages = imagemeta.NewStripper(imagemeta.DecodeSlots)

// errSpeakUpTooSlow answers a reporter's request that ran out of time or
// whose sender went away: nothing was kept.
var errSpeakUpTooSlow = fault.Errorf(fault.Unavailable,
	"your report took too long to process and was not kept; please send it again (smaller images are quicker)")

// speakUpTimedOut turns a failure after the request's context ended into
// errSpeakUpTooSlow (whatever the database made of the cancellation), and
// leaves other errors alone.
func speakUpTimedOut(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return errSpeakUpTooSlow
	}
	return err
}

// speakUpTypes are the files a speak-up report may carry: types whose
// metadata imagemeta.Strip removes, or that have none. PDFs are
// refused (see internal/imagemeta).
var speakUpTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "text/plain": ".txt"}

func (s *Server) speakUpRoutes() []route {
	// Reporters at one force often share one address (the force's proxy),
	// so the limits stop floods, not colleagues: a burst of 20 reports,
	// then 2 a minute; a burst of 30 thread lookups, then 10 a minute.
	reports := newRateLimiter(2, 20, s.clock)
	lookups := newRateLimiter(10, 30, s.clock)
	return []route{
		{"GET", "/speak-up", access.Public, s.speakUpPage, true},
		{"POST", "/speak-up", access.Public, s.speakUpThrottle(reports, true, s.speakUpFormPost), true},
		{"GET", "/speak-up/thread", access.Public, s.speakUpThreadPage, true},
		{"POST", "/speak-up/thread", access.Public, s.speakUpThrottle(lookups, true, s.speakUpThreadPost), true},
		{"POST", "/api/v1/speakup", access.Public, s.speakUpThrottle(reports, false, s.speakUpCreate), false},
		{"POST", "/api/v1/speakup/messages", access.Public, s.speakUpThrottle(lookups, false, s.speakUpThread), false},

		{"GET", "/api/v1/speakup/reports", access.SpeakUpRead, s.listSpeakUp, false},
		{"GET", "/api/v1/speakup/reports/{id}", access.SpeakUpRead, s.getSpeakUp, false},
		{"GET", "/api/v1/speakup/reports/{id}/attachments/{att}", access.SpeakUpRead, s.speakUpAttachment, false},
		{"POST", "/api/v1/speakup/reports/{id}/messages", access.SpeakUpRead, s.replySpeakUp, false},
		{"POST", "/api/v1/speakup/reports/{id}/convert", access.SpeakUpRead, s.convertSpeakUp, false},
		{"POST", "/api/v1/speakup/reports/{id}/reveal-requests", access.SpeakUpReveal, s.requestReveal, false},
		{"POST", "/api/v1/speakup/reveal-requests/{id}/approve", access.SpeakUpReveal, s.approveReveal, false},

		// The guardians' inbox in the browser (speakup_inbox.go).
		{"GET", "/speak-up/inbox", access.SpeakUpRead, s.speakUpInboxPage, true},
		{"GET", "/speak-up/inbox/{id}", access.SpeakUpRead, s.speakUpReportPageHandler, true},
		{"POST", "/speak-up/inbox/{id}/reply", access.SpeakUpRead, s.speakUpReplyForm, true},
		{"POST", "/speak-up/inbox/{id}/raise", access.SpeakUpRead, s.speakUpRaiseForm, true},
		{"POST", "/speak-up/inbox/{id}/reveal-requests", access.SpeakUpReveal, s.speakUpRevealForm, true},
		{"POST", "/speak-up/inbox/{id}/reveal-requests/{req}/approve", access.SpeakUpReveal, s.speakUpApproveForm, true},
		{"POST", "/speak-up/inbox/{id}/identity", access.SpeakUpReveal, s.speakUpIdentityForm, true},
	}
}

// speakUpThrottle refuses a caller who has used up their tokens with 429,
// and gives the others' requests speakUpDeadline to finish.
func (s *Server) speakUpThrottle(l *rateLimiter, page bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if l.allow(clientAddr(r)) {
			ctx, cancel := context.WithTimeout(r.Context(), speakUpDeadline)
			defer cancel()
			h(w, r.WithContext(ctx))
			return
		}
		const detail = "Too many requests from your network in a short time. Wait a minute and try again; nothing you sent was kept."
		w.Header().Set("Retry-After", "60")
		if page {
			s.render(w, r, http.StatusTooManyRequests, "error", errorPage{pageData: s.speakUpPageBase(),
				Title: http.StatusText(http.StatusTooManyRequests), Detail: detail})
			return
		}
		writeProblem(w, Problem{Type: "about:blank", Title: http.StatusText(http.StatusTooManyRequests),
			Status: http.StatusTooManyRequests, Detail: detail})
	}
}

// speakUpPageBase is pageData without a caller: reporters' pages never
// look one up.
func (s *Server) speakUpPageBase() pageData { return pageData{Demo: !s.requireMFA} }
