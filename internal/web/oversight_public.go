package web

import (
	"net/http"

	"github.com/probity/probity/internal/oversight"
)

// The public view of how the oversight body holds the chief officer to
// account: each requirement, the notices in force, the plan the chief
// officer submitted (never a draft), the body's assessment and each
// commitment's live figure, with any figure drawn from too few records
// withheld as every published table is (oversight.Live). It shows no
// names of staff and no case content.

type publicRequirement struct {
	oversight.Requirement
	Notices []oversight.Notice
	Plan    *publicPlan
	Events  []oversight.Event
}

type publicPlan struct {
	Title      string
	StateName  string
	Revision   revisionView
	Assessed   bool
	Conditions string
	Overdue    bool
	Revisions  int
}

type publicOversightPage struct {
	pageData
	Requirements []publicRequirement
}

// publicOversightPage answers GET /public/oversight.
func (s *Server) publicOversightPage(w http.ResponseWriter, r *http.Request) {
	rs, err := s.db.Requirements(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data := publicOversightPage{pageData: s.pageData(r)}
	for _, rq := range rs {
		file, err := s.readRequirement(r, rq.ID, false)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		pr := publicRequirement{Requirement: rq}
		for _, n := range file.Notices {
			if n.State == oversight.InForce {
				pr.Notices = append(pr.Notices, n)
			}
		}
		// Staff names stay inside: the public reads what was done and when.
		for _, e := range file.Timeline {
			e.By = ""
			pr.Events = append(pr.Events, e)
		}
		if len(file.Plans) > 0 {
			p := file.Plans[len(file.Plans)-1]
			cur := p.Latest() // publicPlans kept submitted revisions only
			pp := &publicPlan{Title: p.Title, StateName: p.State.Name(), Revisions: len(p.Revisions), Overdue: p.Overdue(s.clock())}
			pp.Revision = revisionView{Revision: cur, Commitments: viewCommitments(cur, s.figures(r, p, cur, true))}
			if a := cur.Assessment; a != nil {
				pp.Assessed, pp.Revision.Outcome, pp.Conditions = true, a.Outcome.Name(), a.Conditions
			}
			pr.Plan = pp
		}
		data.Requirements = append(data.Requirements, pr)
	}
	s.render(w, r, http.StatusOK, "public-oversight", data)
}
