package synth

// Clinical frames in the styles notes are written in: nursing notes
// (abbreviated, often upper case), progress notes, and ED triage, written for
// Obscura. Vitals, labs, pain scores and bed numbers are unlabelled fillers.
var clinicalPools = []framePool{
	{"nursing", `
Pt {PT} {AGEP} {SEX} [admitted|adm] {SDATE} [w/|with] {COND}
{AGEP} {SEX} [w/|with] PMH [of |]{CONDS}
PMH: {CONDS}
PMH [sig for|significant for] {CONDS}
[h/o|Hx of|hx] {CONDS}
S/P [CABG|appendectomy|lap chole|TKA|THA|PCI|hysterectomy] {YEAR}[, {COND} {YEAR}|]
S/P {COND} {YEAR}
[c/o|C/O|complains of] {COND} [since {SDATE}|x {NUM} days|since this AM|x1 wk]
Pt [c/o|reports] {COND} [rated {NUM}/10|worse w/ exertion|relieved by rest]
VS: {VITALS}
[VS|V/S] [stable|WNL]: {VITALS}
{VITALS} at {TIME}
Labs [{SDATE}|this AM]: {LABS}
[Given|Gave|Administered] {MED} {DOSE} at {TIME} [for|d/t] {COND}
{MED} {DOSE} given [@|at] {TIME} [w/ relief|w/o relief|per order]
[Meds|Home meds|Current meds]: {MEDS}
[Allergies|Allergic to|ALLERGY]: {MED}[ (rash)| (hives)| (throat swelling)|]
NKDA[, on {MEDLINE}|]
A&Ox[3|4], resting [comfortably|quietly] in {BED}
[Family|Daughter|Son|Wife|Husband] ({NAME}) [called|at bedside|visited] at {TIME}, [updated on plan|questions answered]
{DR} [notified|paged|aware] at {TIME}[, new orders received|, no new orders|]
[Spoke w/|Called] {DRL} re: {COND}; [ordered|started] {MEDLINE}
[Transferred|Transfer] from {HOSP2} on {SDATE} [for|w/] {COND}
[Tolerating|Tol] [diet|PO intake|clears] [well|poorly]; [voiding qs|foley in place]
[Ambulating|Amb] w/ [walker|cane|assist x1] in hall [x2|x3|]
Fall risk; bed alarm on; call light in reach
[BS|FSBG|Accucheck] {NUM}0 at {TIME}, [covered w/|gave] {MED} {DOSE}
Pt {PTL} refused {MED} [this AM|at {TIME}|x2]
[Report|Handoff] given to {NURSE}[, {CRED}|] at {TIME}
{NURSEF} {CRED} [assumed care|at bedside] at {TIME}
IV [site|line] [L|R] forearm [c/d/i|patent]; [NS|LR] @ {NUM}0 mL/hr
[Wound|Dressing] to [sacrum|L heel|abd] changed, no s/s infection
[Pain|Discomfort] {NUM}/10, [given|medicated w/] {MEDLINE}
Pt [states|verbalizes] understanding of [{MED} teaching|discharge instructions|plan of care]
[Dx|DX]: {COND}; [on|cont] {MEDLINE}
[O2|oxygen] [2L|3L|4L] NC, {VITALS}
[Code status|CODE STATUS]: [Full|DNR/DNI|DNR]; [HCP|POA] is {NAME} {PHONE}
MRN {MRN}[, room {NUM}0{NUM}|]
Pt {HONPT} [discharged|d/c'd] home w/ [wife|daughter|family] at {TIME}
[Consult|Consulted] [PT/OT|SW|case mgmt] for {COND}; {NAME} [to see|saw] pt
Pt is a {AGEP} [with|w/] {COND}, [here for|admitted for] {COND}
{MED} {DOSE} [given|held] at {TIME}; BG {NUM}0
[Skin|SKIN] [intact|warm and dry]; turned q2h
[Noted|Pt noted] [diaphoretic|{COND}|restless] at {TIME}, {VITALS}
[Cont|Continue] {MED}[, hold if SBP < 100|, monitor K|]
Pt {PTL} [is|] {AGEP} [w/|with] {COND}; MRN {MRN}
[Ins|Insurance] [card|info] on file; SSN {SSN} [verified|per pt]
[Daughter|Son|Spouse] {NAME} [updated|notified] by phone {PHONE} at {TIME}
Pt [from|lives in] {CITYST}, [lives alone|w/ family]; [PCP|primary] {DR}
[{DRL}|Provider {DOCL}] [at bedside|rounded] {TIME}; plan to [start|cont] {MEDLINE}
[PRN|prn] {MED} {DOSE} given x1 at {TIME} for [pain|discomfort|agitation] {NUM}/10
[Transfer|D/C] to {HOSP2} [planned|arranged] {SDATE}; [report called to|spoke w/] {NURSE}
[Pt|PT] A&O x[1|2|3], [confused|forgetful] at times; sitter at bedside
{AGEP} [on|w/] {MEDS}
[New|NEW] admit from ED {TIME}; dx {COND}; {VITALS}
[Glucose|BG] {NUM}0 before [lunch|dinner]; {MED} {DOSE} [given|held] per sliding scale
Pt [denies|reports] {COND}; [hx|h/o] {COND} {YEAR}
[Pt|Patient] {PT} (DOB {DOB}) [received|rec'd] from {HOSP2} via [stretcher|w/c]
Pt {NAT}, [chaplain|interpreter] [requested|called] at {TIME}
[Verbal|Telephone] order from {DR} (NPI {NPI}) at {TIME}: {MEDLINE}
[Order|Orders] rec'd from {DRL}, NPI {NPI}; {MED} {DOSE} started {TIME}
0700-1900: pt {PTL} [slept|rested] [well|poorly], [no acute events|one episode of {COND} at {TIME}]
[Received|Rec'd] pt from PACU at {TIME}; {VITALS}; [dressing|incision] c/d/i
[PIV|Peripheral IV] [placed|removed] [L|R] AC at {TIME} by {NURSEF}
[Tele|Telemetry]: [NSR|sinus tach|SR w/ PVCs] [60s|80s|110s]; {DR} aware
[I&O|I/O]: [in|IN] {NUM}00 / [out|OUT] {NUM}00; [foley|void] [clear yellow|amber]
[Pt|PT] [resting|sleeping] w/ eyes closed, [resp even & unlabored|no distress], {VITALS}
[Blood|PRBC] [transfusion|1 unit] [started|completed] at {TIME} for [Hgb 6.8|{COND}]; no reaction
[Restraints|Soft wrist restraints] [d/c'd|applied] at {TIME} per {DRL}
Pt {PTF} [tearful|anxious], [emotional support given|spiritual care called]
{AGEP} {SEX} POD #{NUM} [s/p|S/P] [lap appy|hip replacement|CABG x3]; [hx|h/o] {COND}
[Dtr|Son|Wife] {FIRST} at bedside, [asking about|concerned re] {COND}
[Admit|ADMIT] wt {NUM}0 kg; [allergies|ALLERGIES] {MED}; [code|CODE] full
[Stool|BM] x1 [soft, brown|loose]; [C diff|stool] sample sent {TIME}
[Pt|PT] [educated|teaching done] on [new dx of|home care for] {COND}; [handout|teach-back] given
{MEDLINE} [held|HELD] [for|d/t] [SBP < 90|HR < 55|NPO status]; {DRL} [made aware|notified]
[Shift|SHIFT] [summary|SUMMARY]: {PTL}, {AGEP}, dx {COND}; [tol|tolerated] {MEDLINE}; {VITALS}
[NPO|npo] after midnight for [procedure|surgery] {SDATE} w/ {DRL}
[Pt|PT] [c/o|reports] {COND} [@|at] {TIME}; [notified|paged] {DRL}; [rec'd|received] order for {MEDLINE}
`},
	{"progress-head", `
PROGRESS NOTE - {DATE}
Progress Note \| {HOSP} \| {DATETIME}
Hospital Day {NUM} - {PT} (MRN {MRN})
[Daily|Interval] note, {DR}, {DATE}
Clinic visit - {PT} - DOB {DOB}
Telehealth visit {DATE} with {PT}
Follow-up visit, {HOSP}, {DATE}
OFFICE VISIT {DATE}\n{PT} \| {AGEP} {SEX} \| MRN {MRN}
{HOSP} - Clinic note - {DATETIME}\nProvider: {DR}
Encounter {DATE}: {PT}, DOB {DOB}, MRN {MRN}
SOAP note - {PT} - {DATE}
Internal medicine follow-up {SDATE} - {DR}
`},
	{"progress", `
S: Pt reports [improved|ongoing|worsening] {COND} [x{NUM} days|since {SDATE}|overnight].
Subjective: {AGEP} {SEX} seen for {COND}; [denies|endorses] {COND}.
O: {VITALS}. [Exam unremarkable.|Lungs clear.|Trace pedal swelling.]
Objective: {VITALS}; labs {LABS}.
A/P: {COND} - [continue|increase|start] {MEDLINE}.
A/P:\n1. {COND} - {MEDLINE}\n2. {COND} - [cont|hold] {MED}
Assessment: {COND}[, stable|, improving|, worse]. Plan: [continue|titrate|stop] {MED}[ {DOSE}|].
Plan: [start|begin] {MEDLINE}; [f/u|follow up] in {NUM} weeks [w/|with] {DRL}.
{PT} is a {AGEP} {SEX} with [a history of|PMH of|h/o] {CONDS} who presents for {COND}.
[He|She|Pt] was [seen|evaluated] at {HOSP2} on {DATE} for {COND}.
Patient [is taking|takes|has been taking] {MEDLINE} [and|plus] {MEDLINE}.
[Recent|Last] A1c [7.{NUM}%|8.{NUM}%] on {DATE}; [on|taking] {MED} {DOSE}.
[Discussed|Reviewed] risks of {MED} with {PTF} and [his|her] [wife|husband|daughter] {FIRST}.
[Referred|Referral] to {DR} at {HOSP2} for {COND}.
Labs {SDATE}: {LABS}.
[Switch|Changed] {MED} to {MEDLINE} [due to|because of] {COND}.
[No|Denies] {COND}, [no|denies] {COND}. [ROS otherwise negative.|]
[Smoker|Former smoker] [since|until] {YEAR}; [drinks socially|quit alcohol in {YEAR}|no alcohol].
Family history: [mother|father|brother|sister] with {COND}[, died {YEAR}|].
[Pt|Patient] {HONPT} [agrees with|understands] the plan.
Return [precautions|to ED] for {COND} [given|discussed].
BP [118/76|142/90|130/84|156/98|124/70|165/101] [today|in clinic]; [goal|target] < 130/80. [Continue|Add] {MED}.
Seen with {NAME}, {CRED}. Attending {DR}.
[Time spent|Total time]: {NUM}0 minutes[ with {PTF}|].
{MED} level {SDATE} [therapeutic|low|high]; [continue|adjust] {DOSE}.
Pt [lives|living] [alone|with family] in {CITY}; [works as|retired] {JOB}.
{PTF} [brought|showed] [her|his] glucose log; fasting [90-130|110-160|140-220|180s].
[Electronically signed|Signed] by {DR} on {DATETIME}.
{PT} ({AGEP}, MRN {MRN}) [returns|presents] for [follow-up|f/u] of {COND}.
[PMH|Past medical history]: {CONDS}. [PSH|Surgical history]: [appendectomy|CABG|cholecystectomy] {YEAR}.
[Meds|Medications] [reviewed|reconciled]: {MEDS}.
[Pt|Patient] [is|remains] [adherent|non-adherent] to {MEDLINE}; [side effects|no side effects] reported.
[Insurance|Payer] denied {MED}; [appeal|PA] sent with NPI {NPI}.
[Phone|Telephone] call from {PTF} at {TIME}: [increased|new] {COND}; [advised|told] to [go to ED|hold {MED}].
[Plan discussed with|Seen and examined with] {DR}, {CRED}.
[Next|Return] visit {DATE} at {HOSP}, {ADDR}.
[His|Her] [wife|husband|son|daughter] {NAME} ({PHONE}) [helps with|manages] [meds|appointments].
[Work note|Note] given: [off work|light duty] until {DATE}; employer {ORG}.
Pt is {NAT}[, prefers|; requests] [an interpreter|female providers|family present]; [daughter|son] {NAME} [interprets|translates].
[Social|SOCIAL] [history|HX]: {NAT}, [moved|immigrated] from {COUNTRY} in {YEAR}; works as {JOB}.
[Order|Orders] signed by {DR}, {CRED}, NPI {NPI}, on {DATETIME}.
[Ordering|Referring] provider: {DR} (NPI {NPI}), {HOSP}.
Interval history: since [last visit|discharge] on {DATE}, {PTF} [has had|reports] {COND}.
[ROS|Review of systems]: [positive for|+] {COND}; [negative for|-] {COND}.
Exam: [gen|General]: NAD. [CV|Heart]: RRR. [Lungs|Resp]: [CTAB|crackles at bases]. {VITALS}.
Impression: {AGEP} [with|w/] {CONDS}, [stable|improving|decompensated].
[Recommendations|Recs]: [increase|decrease|continue] {MED} to {DOSE}; [recheck|repeat] [BMP|CBC|A1c] in {NUM} weeks.
[Vaccines|Immunizations]: [flu|Tdap|pneumococcal] [given|declined] {SDATE}.
[Screening|Health maintenance]: [colonoscopy|mammogram] [due|done] {YEAR}.
[Counseled|Counselled] {PTF} on [diet|exercise|smoking cessation] for {COND}; [total|] {NUM}0 min.
[Patient|Pt] [brought|came with] [her|his] [sister|brother|partner], {NAME}, who [drove|helps at home].
[Addendum|ADDENDUM] {DATETIME}: [labs back|culture result]: {LABS}. [No change in plan|Start {MEDLINE}].
HPI: {AGEP} {SEX} w/ PMH [of |]{CONDS} p/w {COND} x{NUM}d. [Denies|Pt denies] {COND}. [+|Endorses] {COND}.
HPI: {PTF} is a {AGEP} [w/|with] [hx|h/o] {COND} [s/p|S/P] {COND} {YEAR} who [p/w|presents w/] {COND} [since {SDATE}|x1 wk].
CC: {COND}\nHPI: {AGEP} {SEX} [w/|with] {CONDS}; [sx|symptoms] began {SDATE}.
[Exam|Physical exam]: {VITALS}. [HEENT|Neck] [wnl|supple]. [Abd|ABD] [soft, NT/ND|mildly tender].
[Home meds|HOME MEDS]:\n1. {MEDLINE}\n2. {MEDLINE}\n3. {MEDLINE}
[ALL|Allergies]: {MED} ([rash|GI upset|swelling]); {MED} ([hives|unknown]).
[Dispo|Disposition]: [home|admit to medicine|obs] [w/|with] [f/u|follow-up] {DR} [in {NUM} wks|on {DATE}].
[Problem list|PROBLEM LIST]: {CONDS}.
[Labs|LABS] ({SDATE}): {LABS}; [imaging|CXR] [neg|w/o acute process].
`},
	{"triage", `
{AGEP} {SEX} presents to ED [c/o|with|complaining of] {COND} [x{NUM} days|since {SDATE}|since {TIME}].
CC: {COND}.[ Onset {SDATE}.|]
[Arrived|Arrives] via [EMS|POV|ambulance] from {ADDR}[ at {TIME}|].
Triage [{DATETIME}|at {TIME}]: {VITALS}.
[ESI|Acuity] [2|3|4]; {AGEP}; [hx|PMH] {CONDS}.
Pt {PT}, DOB {DOB}, MRN {MRN}, [c/o|reports] {COND}.
[Brought in by|BIBA from] {HOSP2} [for|w/] {COND}.
[Meds|MEDS]: {MEDS}.
[Allergies|ALL]: {MED}[, {MED}|].
Pt [took|ingested] {MED} {DOSE} at {TIME}[ per family|].
[Contact|Emergency contact]: {NAME} ([daughter|son|spouse]) {PHONE}.
[PCP|Primary care]: {DR}, {HOSP2}.
[Fell|Fall] at home {SDATE}, [+|-] head strike; on {MED}.
[Seen|Evaluated] [in|at] urgent care {SDATE}[, given {MED}|].
[EKG|ECG] [done|obtained] at {TIME}; {DRL} [at bedside|notified].
[Rapid response|Code blue|Trauma alert] called at {TIME}.
[Pt|Patient] is a {AGE} [y/o|yo|year old] [from|living in] {CITYST}.
[Pain|PAIN] {NUM}/10 [chest|abd|back]; {VITALS}.
{AGEP} {SEX} from {CITY} w/ {COND} [x{NUM}d|since {SDATE}]; [PMH|hx] {CONDS}.
[Walk-in|Walk in] at {TIME}: {AGE} yo [c/o|w/] {COND}.
[Ins|Insurance]: [Medicare|Medicaid|self-pay]; SSN {SSN}; [address|addr] {ADDR}.
[Reg|Registration]: {PT}, MRN {MRN}, phone {PHONE}.
[Last|LAST] dose of {MED} {DOSE} [at|@] {TIME} [yesterday|today].
[Police|EMS] [report|states] pt found at {ADDR} at {TIME}.
{AGEP} {NAT} {SEX} [brought in by|with] [family|daughter] w/ {COND}; [interpreter|language line] used.
[Transferring|Sending] physician {DR}, NPI {NPI}, {HOSP2}.
[PCP|Primary] on file: {DR} NPI {NPI} ph {PHONE}.
[CC|Chief complaint]: ["{COND}"|"can't breathe"|"fell"] - {AGEP} {SEX} [hx|w/ hx] {CONDS}.
[Pt|Patient] [states|reports] {COND} [started|began] [at {TIME}|on {DOW}|{SDATE}], [worse|better] [lying flat|with food].
[GCS|G.C.S.] 15, {VITALS}, [ambulatory|on stretcher].
[Registered|Checked in] as {PT}, [DOB|D.O.B.] {DOB}, [ins|insurance] [verified|pending].
[Accompanied by|With] {NAME}, [caregiver|wife|husband|friend], [phone|ph] {PHONEX}.
{AGEP} {SEX} p/w {COND} [and|&] {COND} x{NUM}d, [worse|better] since {SDATE}.
[Pt|PT] [w/|with] [hx|h/o] {CONDS}; [on|takes] {MEDLINE}; [last|LKW] [seen well|normal] at {TIME}.
`},
}
