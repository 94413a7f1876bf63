package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/store"
)

// MaxDocument caps one uploaded file.
const MaxDocument = 10 << 20

// documentTypes are the kinds of file Probity keeps: what statements,
// letters and photographs arrive as. Anything else is refused rather than
// stored and later opened by a case worker.
var documentTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/png":       ".png",
	"image/jpeg":      ".jpg",
	"text/plain":      ".txt",
}

// sniff decides a file's type from its first bytes, never from what the
// client says it is.
func sniff(content []byte) string {
	t, _, _ := mime.ParseMediaType(http.DetectContentType(content))
	return t
}

func fileError(reason string) error {
	return &fault.Error{Kind: fault.Invalid, Message: "the file cannot be accepted", Fields: []fault.FieldError{{Field: "file", Reason: reason}}}
}

// readUpload reads the one file of a multipart upload, checking its size
// and that its content is of an accepted type and matches the type it
// was declared as.
func readUpload(w http.ResponseWriter, r *http.Request) (filename, mediaType string, content []byte, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxDocument+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", nil, &fault.Error{Kind: fault.Unsupported, Message: "upload must be multipart/form-data",
			Fields: []fault.FieldError{{Field: "Content-Type", Reason: "must be multipart/form-data with a part named file"}}}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", "", nil, fileError("is missing: send the file in a part named file")
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", "", nil, &fault.Error{Kind: fault.TooLarge, Message: "the file is too large", Fields: []fault.FieldError{{Field: "file", Reason: "must be at most 10 MiB"}}}
		}
		if err != nil {
			return "", "", nil, fileError("the upload could not be read")
		}
		if part.FormName() != "file" {
			continue
		}
		content, err = io.ReadAll(io.LimitReader(part, MaxDocument+1))
		if errors.As(err, &tooBig) || len(content) > MaxDocument {
			return "", "", nil, &fault.Error{Kind: fault.TooLarge, Message: "the file is too large", Fields: []fault.FieldError{{Field: "file", Reason: "must be at most 10 MiB"}}}
		}
		if err != nil {
			return "", "", nil, fileError("the upload could not be read")
		}
		if len(content) == 0 {
			return "", "", nil, fileError("is empty")
		}
		mediaType = sniff(content)
		if _, ok := documentTypes[mediaType]; !ok {
			return "", "", nil, fileError("must be a PDF, PNG, JPEG or plain-text file; this one looks like " + mediaType)
		}
		if declared, _, err := mime.ParseMediaType(part.Header.Get("Content-Type")); err == nil &&
			declared != "application/octet-stream" && declared != mediaType {
			return "", "", nil, fileError("was declared as " + declared + " but its content is " + mediaType)
		}
		return cleanFilename(part.FileName(), mediaType), mediaType, content, nil
	}
}

// cleanFilename keeps a readable name for a download without path parts,
// control characters, an extension that disagrees with the content, or
// the invisible characters fault.Invisible names: a name is shown to case
// workers as it is kept, and "report\u202Etxt.exe" would read to them as
// "reportexe.txt". They are removed rather than refused because the sender
// cannot see them either; invalid UTF-8 becomes U+FFFD.
func cleanFilename(name, mediaType string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || fault.Invisible(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120]) // cut by characters: a cut byte would leave invalid UTF-8
	}
	ext := documentTypes[mediaType]
	if name == "" || name == "." {
		name = "document"
	}
	if !strings.HasSuffix(strings.ToLower(name), ext) && !(ext == ".jpg" && strings.HasSuffix(strings.ToLower(name), ".jpeg")) {
		name += ext
	}
	return name
}

// uploadDocument attaches a file to a case: POST /api/v1/cases/{id}/documents.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) {
	caseID, err := s.openForWork(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	filename, mediaType, content, err := readUpload(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.saveDocument(r, caseID, filename, mediaType, content)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

// saveDocument keeps a checked upload on a case the caller may work on.
func (s *Server) saveDocument(r *http.Request, caseID, filename, mediaType string, content []byte) (store.Document, error) {
	sum := sha256.Sum256(content)
	d := store.Document{CaseID: caseID, SHA256: hex.EncodeToString(sum[:]), Filename: filename, MediaType: mediaType,
		Size: int64(len(content)), UploadedBy: caller(r).User.ID, UploadedAt: s.clock()}
	ctx := r.Context()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddDocument(ctx, &d, content); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "case", caseID, audit.Success)
		e.Reason = "document " + d.ID + " (" + mediaType + ", sha256 " + d.SHA256[:12] + ")"
		return tx.Audit(ctx, e)
	})
	return d, err
}

// downloadDocument serves a case's file as an attachment, with the type
// Probity sniffed, so that a browser never renders it in Probity's origin.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) {
	caseID, _, err := s.readableCase(r)
	if err != nil {
		s.failCase(w, r, err)
		return
	}
	if err := s.serveDocument(w, r, caseID); err != nil {
		s.fail(w, r, err)
	}
}

// serveDocument sends the document named in the URL, of a case the caller
// may read, recording the download; it writes nothing on an error.
func (s *Server) serveDocument(w http.ResponseWriter, r *http.Request, caseID string) error {
	docID := r.PathValue("doc")
	if !id.Valid(docID) {
		return fault.Errorf(fault.NotFound, "document not found")
	}
	ctx := r.Context()
	d, content, err := s.db.DocumentContent(ctx, caseID, docID)
	if err != nil {
		return err
	}
	e := s.auditEntry(r, audit.Consult, "case", caseID, audit.Success)
	e.Reason = "downloaded document " + d.ID
	if err := s.db.Audit(ctx, e); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", d.MediaType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.Filename))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", d.UploadedAt, bytes.NewReader(content))
	return nil
}

// readableCase applies need-to-know for reading.
func (s *Server) readableCase(r *http.Request) (string, string, error) {
	caseID, d, err := s.decideCase(r)
	if err != nil {
		return "", "", err
	}
	if !d.Allow {
		return "", "", s.refuse(r, caseID, d)
	}
	return caseID, d.Basis, nil
}
