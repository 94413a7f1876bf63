package demo

import (
	"strings"

	"github.com/probity/probity/internal/cases"
)

// Free text is built from short templates so that a demo case reads like a
// case without naming anyone: the text mentions places and incidents in
// general terms only, never a person, so no personal data sits in summaries
// (which are not sealed) even though the people themselves are invented.
//
// {incident} and {place} are filled from the lists below. Complaint texts
// are in the complainant's voice; conduct texts are clauses that follow
// "It is alleged that" or "<source> reported that", and take their
// {incident} from conductIncidents.

var incidents = []string{
	"a burglary at their home", "a road traffic collision", "a dispute with a neighbour", "the theft of a bicycle",
	"a report of anti-social behaviour", "a domestic incident", "a missing person report", "damage to their car",
	"an allegation of shoplifting", "a disturbance outside a pub", "an online fraud", "a noise nuisance report",
	"the theft of a mobile phone", "a hate incident", "a break-in at their shop", "a collision in a car park",
	"a report of harassment", "an assault on a family member", "a stolen van", "threats made on social media",
}

// conductIncidents are the same kind of events told from the outside, for
// conduct matters, where "their home" would read as the officer's.
var conductIncidents = []string{
	"a burglary", "a road traffic collision", "a domestic incident", "a reported assault", "a missing person report",
	"a shoplifting arrest", "a neighbour dispute", "a hate incident", "a robbery at a corner shop", "a stalking report",
}

var places = []string{
	"on the High Street", "outside the railway station", "in a supermarket car park", "at a petrol station",
	"near a secondary school", "on a residential street", "at a bus stop", "in a town-centre park",
	"outside a nightclub", "on the hard shoulder of the motorway", "at a retail park", "on a housing estate",
	"outside their home", "at a football ground", "in a shopping centre", "by the canal towpath",
}

// complaintText holds the complainant's account per category or
// category/subcategory.
var complaintText = map[string][]string{
	"delivery-of-duties/police-action-following-contact": {
		"Says nobody attended after {incident} was reported, although they were promised an officer would call back.",
		"Says the investigation into {incident} was closed without any witnesses being spoken to.",
		"Reports that CCTV offered by a neighbour was never collected after {incident}.",
		"Says forensic examination was promised after {incident} but nobody came.",
	},
	"delivery-of-duties/decisions": {
		"Disagrees with the decision to take no further action over {incident}.",
		"Is unhappy that the other party to {incident} was not arrested.",
		"Challenges the decision to treat {incident} as a civil matter.",
		"Disputes the decision to close the report of {incident} after two days.",
	},
	"delivery-of-duties/information": {
		"Says they were never told the outcome of the investigation into {incident}.",
		"Was given the wrong crime reference number after {incident} and could not make an insurance claim.",
		"Complains of hearing nothing for several months about {incident}.",
		"Says a victim support referral after {incident} was promised and never made.",
	},
	"delivery-of-duties/general-level-of-service": {
		"Waited over an hour on the non-emergency line to report {incident}.",
		"Says the handling of {incident} was slow and disorganised from start to finish.",
		"Complains that repeated emails about {incident} went unanswered.",
		"Says three different officers asked for the same statement about {incident}.",
	},
	"powers-policies-procedures/searches-of-premises": {
		"Says officers searched the property without showing a warrant and left it in disarray.",
		"Complains that items seized in a search were not listed on the property record.",
		"Says the wrong address was searched in connection with {incident}.",
	},
	"powers-policies-procedures/other-policies": {
		"Questions why body-worn video was not switched on during {incident}.",
		"Says their vehicle was removed {place} and storage fees charged without notice.",
		"Complains that a firearms licence renewal has been delayed far beyond the published timescale.",
	},
	"powers-policies-procedures/out-of-court-disposals": {
		"Says they were pressed into accepting a caution without legal advice.",
		"Complains that the suspect in {incident} was given a community resolution without the victim being asked.",
	},
	"powers-policies-procedures/police-vehicles": {
		"Reports a marked police car driven at speed {place} with no lights or sirens.",
		"Says a police van damaged a parked car while turning {place} and did not stop.",
	},
	"powers-policies-procedures/arrest": {
		"Says the arrest {place} was unnecessary and carried out in front of their children.",
		"Complains of being arrested in a case of mistaken identity and held for several hours.",
		"Says they were arrested after reporting {incident} themselves.",
	},
	"powers-policies-procedures/stop-and-search": {
		"Says they were stopped and searched {place} and given no grounds.",
		"Complains that no stop and search record was offered after a search {place}.",
		"Was searched twice in one week {place} and believes they are being singled out.",
	},
	"powers-policies-procedures/detention-in-custody": {
		"Says requests for medication in custody were ignored for several hours.",
		"Complains of being held overnight without a blanket or a drink.",
		"Says a solicitor was not called despite repeated requests in custody.",
	},
	"powers-policies-procedures/use-of-force": {
		"Says handcuffs were applied too tightly and left bruising on both wrists.",
		"Alleges an officer pushed them to the ground {place} without warning.",
		"Complains that a Taser was drawn and pointed at them during {incident}.",
		"Says an officer used a leg restraint although they were not resisting.",
	},
	"individual-behaviours/impolite-language": {
		"Says an officer swore at them {place}.",
		"Complains of a sarcastic, dismissive tone on the phone when reporting {incident}.",
	},
	"individual-behaviours/impolite-intolerant-actions": {
		"Says an officer walked away mid-conversation and would not take details of {incident}.",
		"Complains that an officer laughed while they described {incident}.",
	},
	"individual-behaviours/unprofessional-attitude": {
		"Felt the officer who attended was rude and did not take {incident} seriously.",
		"Says an officer was on a personal phone call throughout the visit about {incident}.",
		"Complains that an officer made remarks about their appearance {place}.",
	},
	"individual-behaviours/lack-of-fairness": {
		"Believes officers took the other side in {incident} without hearing their account.",
		"Says the officer dealing with {incident} knows the other party and should have stood aside.",
	},
	"individual-behaviours/overbearing-harassing": {
		"Says an officer kept visiting their home without reason after {incident}.",
		"Complains of being stopped and questioned by the same officer on several occasions.",
	},
	"discriminatory-behaviour/race": {
		"Believes they were stopped {place} because of their race.",
		"Says an officer made a racist remark during {incident}.",
		"Feels their report of {incident} was not taken seriously because of their ethnicity.",
	},
	"discriminatory-behaviour/disability": {
		"Says officers ignored their explanation that they are autistic and restrained them.",
		"Complains that no adjustments were made for their hearing impairment in interview.",
		"Says they were left outside the station because the step-free entrance was locked and nobody came.",
	},
	"discriminatory-behaviour/sex": {
		"Says an officer dismissed her account of {incident} with remarks about women overreacting.",
		"Believes the report of {incident} was treated differently because of the complainant's sex.",
	},
	"discriminatory-behaviour/age": {
		"Says an officer told them they were too old to be out at that time of night.",
		"Feels the report of {incident} was brushed aside because they are a teenager.",
	},
	"discriminatory-behaviour/religion-belief": {
		"Complains that an officer mocked their religious dress {place}.",
		"Says officers were dismissive when asked to respect customs at their place of worship.",
	},
	"discriminatory-behaviour/sexual-orientation": {
		"Says an officer made homophobic comments when they reported {incident}.",
	},
	"discriminatory-behaviour/gender-reassignment": {
		"Says an officer repeatedly misgendered them and would not use their name.",
	},
	"discriminatory-behaviour/pregnancy-maternity": {
		"Says she was handcuffed to the rear although she told officers she was pregnant.",
	},
	"discriminatory-behaviour/marriage-civil-partnership": {
		"Says officers would not accept their civil partner as next of kin.",
	},
	"abuse-of-position/sexual-purpose": {
		"Says an officer who dealt with {incident} later sent personal messages asking to meet.",
		"Alleges an officer used contact details from their report of {incident} to pursue a relationship.",
	},
	"abuse-of-position/improper-relationship": {
		"Alleges an officer formed a relationship with a vulnerable witness in an open investigation.",
	},
	"abuse-of-position/corruption-other": {
		"Alleges an officer passed information to a local business owner in return for favours.",
		"Says an officer used their position to influence a private dispute with a relative.",
	},
	"sexual-conduct/sexual-assault": {
		"Alleges an officer touched them inappropriately during a search {place}.",
	},
	"sexual-conduct/sexual-harassment": {
		"Says an officer made unwanted comments of a sexual nature {place}.",
		"Alleges an officer made suggestive remarks while taking a statement about {incident}.",
	},
	"sexual-conduct/other-sexual-conduct": {
		"Alleges an officer made sexual comments about them to colleagues within earshot.",
	},
	"domestic-abuse": {
		"Alleges that an officer has been controlling and abusive towards them as a former partner.",
		"Says a relative who is an officer has threatened them and uses their job to intimidate.",
	},
	"property-premises": {
		"Says property seized after {incident} was lost and never returned.",
		"Complains that their front door was broken during a forced entry and never repaired.",
		"Says a mobile phone returned after examination was damaged.",
	},
	"information-access-disclosure": {
		"Alleges an officer told a neighbour about their report of {incident}.",
		"Says their address was shared with the person they had reported.",
		"Believes an officer looked up their records for a personal reason.",
	},
}

// conductText holds clauses describing what an officer is alleged to have
// done, per category or category/subcategory.
var conductText = map[string][]string{
	"delivery-of-duties": {
		"the officer did not record a crime reported after {incident}",
		"the officer left several investigations without any enquiries for months",
		"the officer did not attend an emergency call they had been assigned",
		"the officer failed to complete a risk assessment after {incident}",
		"the officer reported for duty unfit after drinking alcohol",
	},
	"powers-policies-procedures": {
		"the officer did not switch on body-worn video when using force {place}",
		"the officer searched a person {place} without recording the grounds",
		"the officer used force on a detained person that was not recorded",
		"the officer drove a police vehicle dangerously during a pursuit",
		"the officer did not carry out the required cell checks on a detained person",
	},
	"powers-policies-procedures/use-of-force": {
		"the officer struck a handcuffed person {place}",
		"the officer used a Taser on a person who posed no apparent threat",
		"the officer used force on a detained person that was not recorded",
	},
	"powers-policies-procedures/detention-in-custody": {
		"the officer did not carry out the required cell checks on a detained person",
		"the officer falsified entries in a custody record",
	},
	"powers-policies-procedures/police-vehicles": {
		"the officer drove a police vehicle dangerously during a pursuit",
		"the officer used a police vehicle for personal journeys",
	},
	"individual-behaviours": {
		"the officer shouted at and belittled a probationer in front of colleagues",
		"the officer was abusive to a member of the public {place}",
		"the officer made offensive comments in a work messaging group",
		"the officer was aggressive towards a colleague during a briefing",
	},
	"discriminatory-behaviour": {
		"the officer made discriminatory remarks about a colleague",
		"the officer posted discriminatory content in a work messaging group",
		"the officer treated a member of the public less favourably because of a protected characteristic",
	},
	"abuse-of-position": {
		"the officer contacted a victim of {incident} on social media for a personal relationship",
		"the officer accepted gifts from a local business without declaring them",
		"the officer used their warrant card to gain advantage in a private dispute",
		"the officer passed police information to an associate",
	},
	"sexual-conduct": {
		"the officer made unwanted sexual advances towards a colleague",
		"the officer sent sexual messages to a junior colleague",
		"the officer touched a colleague inappropriately at a work social event",
		"the officer shared sexual images in a work messaging group",
	},
	"domestic-abuse": {
		"the officer was arrested following a domestic incident at their home",
		"the officer has been controlling and abusive towards a former partner",
		"the officer breached a non-molestation order",
	},
	"property-premises": {
		"the officer did not book seized cash into the property store",
		"the officer kept property from a search instead of recording it",
		"the officer lost exhibits in a serious assault investigation",
	},
	"information-access-disclosure": {
		"the officer searched police systems for information about a family member with no policing purpose",
		"the officer disclosed details of an investigation to a friend",
		"the officer looked up a former partner's new address on force systems",
		"the officer posted details of an ongoing investigation on social media",
	},
}

// dsiText describes the event that made a death or serious injury matter.
var dsiText = []string{
	"A man was taken to hospital with a head injury after being restrained {place}.",
	"A detained person was found unresponsive in a cell and taken to hospital.",
	"A woman was seriously injured when a car being followed by police crashed {place}.",
	"A man died in hospital days after being arrested {place}.",
	"A teenager was seriously injured falling from a wall while being chased on foot {place}.",
	"A person was taken to hospital after a Taser was discharged {place}.",
}

// conductSources say who raised a conduct matter; the choice follows the
// category so that, say, system misuse is found by an audit.
var conductSources = map[string][]string{
	"":                              {"A supervising sergeant", "A colleague", "The officer's line manager", "An anonymous report to the integrity line", "A member of custody staff"},
	"information-access-disclosure": {"An audit of force systems", "The Counter-Corruption Unit", "A colleague"},
	"abuse-of-position":             {"The Counter-Corruption Unit", "An anonymous report to the integrity line", "A colleague"},
	"domestic-abuse":                {"A neighbouring force", "The officer's line manager", "A report from the public protection unit"},
	"sexual-conduct":                {"A colleague", "An anonymous report to the integrity line", "A supervising inspector"},
	"property-premises":             {"A property store audit", "A supervising sergeant"},
}

func fill(tmpl, incident, place string) string {
	return strings.NewReplacer("{incident}", incident, "{place}", place).Replace(tmpl)
}

// actionReasons are the reasons recorded with each workflow action that
// takes them, in the words of the person deciding. They name nobody.
var actionReasons = map[cases.ActionName][]string{
	cases.ActLogOutsideSch3: {
		"The complainant wants an explanation and an apology rather than a formal process.",
		"A straightforward service matter that can be put right quickly; the complainant agreed to informal handling.",
		"The complainant asked for the matter to be dealt with informally by the local team.",
	},
	cases.ActRecordSch3: {
		"The complainant asked for the complaint to be formally recorded.",
		"The allegation, if proved, could justify disciplinary proceedings.",
		"The complaint raises questions of conduct that need formal handling.",
		"The complainant did not accept informal handling.",
	},
	cases.ActResolve: {
		"Explanation given and apology offered; the complainant is satisfied.",
		"The complainant was updated on the investigation and accepted the explanation.",
		"Learning shared with the team; the complainant confirmed they are content.",
		"Property returned and the delay explained; no further action wanted.",
	},
	cases.ActReferToIOPC: {
		"Referred because of the seriousness of the allegation.",
		"Referred on the mandatory ground; the IOPC to determine the mode of investigation.",
		"Voluntary referral given the public interest in the matter.",
	},
	cases.ActIOPCLocal:       {"The IOPC determined that the force should investigate locally."},
	cases.ActIOPCDirected:    {"The IOPC will direct the investigation, carried out by the force's professional standards department."},
	cases.ActIOPCIndependent: {"The IOPC will investigate independently."},
	cases.ActIOPCReferBack:   {"The IOPC referred the matter back to the force to handle in whatever way it sees fit."},
	cases.ActHandleOtherwise: {
		"The facts are largely agreed; an investigation would add little. Handled by review of the records and a response to the complainant.",
		"Handled otherwise than by investigation: footage and logs reviewed, officer's account obtained.",
		"The complainant's concerns can be addressed by a review of the actions taken.",
	},
	cases.ActInvestigateLocally: {
		"An investigation is needed to establish the facts.",
		"The accounts conflict and the available evidence needs to be gathered and assessed.",
		"Investigated locally by the professional standards department.",
	},
	cases.ActNotifyOutcome: {
		"Outcome letter sent setting out the findings and the complainant's right to a review.",
		"Outcome sent by email with the report's conclusions and the right of review.",
		"Outcome explained by telephone and confirmed in writing, with the right of review.",
	},
	cases.ActRequestReview: {"The complainant disagrees with the outcome.", "The complainant says the evidence was not properly considered."},
	cases.ActCloseComplaint: {
		"No application for a review within 28 days.",
		"Review concluded; complaint closed.",
	},
	cases.ActUpholdReview: {
		"The outcome was not reasonable and proportionate; recommendations made.",
		"The review body found that further enquiries are needed.",
	},
	cases.ActNotUpholdReview: {
		"The outcome was reasonable and proportionate.",
		"The handling of the complaint was reasonable; no further action recommended.",
	},
	cases.ActReinvestigate: {"Reinvestigated as the review body recommended."},
	cases.ActWithdraw: {
		"The complainant signed a withdrawal and wants no further action.",
		"Withdrawn by the complainant in writing.",
	},
	cases.ActSuspend: {"Suspended while criminal proceedings against the officer are under way, to avoid prejudicing them."},
	cases.ActResume:  {"The criminal proceedings have concluded."},
	cases.ActAssessSeverity: {
		"Assessed on the available evidence, the officer's record and the harm caused.",
		"Severity assessed against the standards of professional behaviour engaged.",
	},
	cases.ActNoFurtherAction: {
		"No further action is proportionate.",
		"The matter does not call for any further action.",
	},
	cases.ActReferToRPRP: {
		"Practice requiring improvement: the officer to reflect on the matter with their line manager.",
		"Dealt with by reflective practice; the learning is for the officer and the team.",
	},
	cases.ActReferToPerformance: {"A matter of performance rather than conduct; referred to the unsatisfactory performance procedures."},
	cases.ActReferToVetting:     {"The matter bears on the officer's vetting clearance; referred for a vetting review."},
	cases.ActStartInvestigation: {
		"The matter could amount to misconduct and needs investigation.",
		"Investigation opened to establish the facts.",
	},
	cases.ActSubmitReport: {"Investigation report submitted to the appropriate authority."},
	cases.ActNoCaseToAnswer: {
		"On the investigation's findings no reasonable panel could find misconduct.",
		"The evidence does not support the allegation.",
	},
	cases.ActCaseToAnswer: {
		"There is sufficient evidence on which a reasonable panel could find misconduct.",
		"The investigation report discloses a case to answer.",
	},
	cases.ActNoProceedings:     {"A case to answer, but the officer's account and record make proceedings disproportionate: no misconduct proceedings will be brought."},
	cases.ActSpecialConditions: {"The evidence is sufficient in written form, proves gross misconduct, and the public interest requires the officer to cease to be a member of the force without delay."},
	cases.ActReferToMeeting:    {"A case to answer for misconduct: referred to a misconduct meeting."},
	cases.ActReferToHearing:    {"Referred to a misconduct hearing."},
	cases.ActRecordOutcome: {
		"The panel's findings and outcome as announced.",
		"Findings and outcome as set out in the chair's written decision.",
	},
	cases.ActFindNoMisconduct: {
		"The panel found the allegation not proved.",
		"The chair found that the conduct did not amount to misconduct.",
	},
	cases.ActAppeal:   {"The officer appeals against the outcome."},
	cases.ActFinalise: {"No appeal was made within the time allowed."},
	cases.ActDecideAppeal: {
		"Appeal decided on the papers and submissions.",
		"Appeal decided after an oral hearing.",
	},
	cases.ActReportBarredList:   {"The officer was dismissed; reported to the College of Policing barred list."},
	cases.ActWithdrawPart:       {"The complainant withdrew one allegation by signed notice; the rest of the complaint goes on."},
	cases.ActOfficerLeft:        {"The officer resigned while the matter was under investigation."},
	cases.ActWithdrawBarredList: {"The dismissal was overturned on appeal; the barred-list report is withdrawn."},
	cases.ActReportAdvisoryList: {"The officer left the force while under investigation; reported to the College of Policing advisory list."},
}
