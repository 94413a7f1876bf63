package speakup

import "time"

// The records of speak-up: what the store keeps and the guardians see. The
// store seals the text, the messages, the files and a named reporter's
// identity (see internal/store/speakup.go); these are their plain forms.

// Report statuses.
const (
	StatusOpen      = "open"
	StatusConverted = "converted"
	StatusClosed    = "closed"
)

// Report is a report as guardians see it, without the identity. What is
// filled only when one report is read, not in lists.
type Report struct {
	ID              string    `json:"id"`
	Reference       string    `json:"reference"`
	Category        string    `json:"category"`
	Anonymous       bool      `json:"anonymous"`
	Status          string    `json:"status"`
	ConvertedCaseID string    `json:"converted_case_id,omitempty"`
	CreatedAt       time.Time `json:"created_at"` // midnight UTC of the day for an anonymous report
	What            string    `json:"what,omitempty"`
}

// Attachment is a file sent with a report; Content is filled only when the
// content is asked for.
type Attachment struct {
	ID        string `json:"id"`
	ReportID  string `json:"report_id"`
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	Content   []byte `json:"-"`
}

// ThreadMessage is a message of a thread as stored: the message and, for a
// guardian's, which guardian wrote it.
type ThreadMessage struct {
	ID  string `json:"id"`
	Seq int    `json:"seq"`
	Message
	GuardianID string `json:"guardian_id,omitempty"`
}

// Key is what checking a reporter's receipt needs, and nothing more:
// reading it decrypts nothing.
type Key struct {
	ReportID    string
	ReceiptHash string
	Anonymous   bool
	Status      string
}

// RevealRequest asks that a named reporter's identity be given to a
// recipient outside the guardians.
type RevealRequest struct {
	ID          string     `json:"id"`
	ReportID    string     `json:"report_id"`
	RequestedBy string     `json:"requested_by"`
	Reason      string     `json:"reason"`
	Recipient   string     `json:"recipient"`
	CreatedAt   time.Time  `json:"created_at"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Approvals   []string   `json:"approvals"` // guardian user ids
}

// RevealApprovals is how many distinct guardians other than the requester
// must approve a reveal: the requester has already said they want it, so
// counting them would let one other guardian complete it.
const RevealApprovals = 2

// RevealValidity is how long after its approval a reveal lets its
// requester read the identity: long enough to pass it on, not a standing
// right to it.
const RevealValidity = 24 * time.Hour
