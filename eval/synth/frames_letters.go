package synth

// Discharge summaries and referral letters, written for Obscura.
var letterPools = []framePool{
	{"discharge-head", `
DISCHARGE SUMMARY\nPatient: {PT}\nMRN: {MRN}\nDOB: {DOB}\nAdmission Date: {DATE}\nDischarge Date: {DATE}\nAttending: {DR}
Discharge Summary - {HOSP}\nName: {PT}   MRN: {MRN}\nAdmitted: {DATE}   Discharged: {DATE}
DISCHARGE SUMMARY\n{PT} \| {AGEP} {SEX} \| MRN {MRN}\nAdmit {SDATE} / D/C {SDATE}
{HOSP} - Discharge Summary\nPatient Name: {PT}\nDate of Birth: {DOB}\nPCP: {DR}
Discharge note for {PT} (MRN {MRN}), {HOSP}, {DATE}
DISCHARGE SUMMARY\nPatient: {PT}  DOB: {DOB}\nAdmitting diagnosis: {COND}\nDischarge diagnosis: {COND}
Discharge Summary\nPt: {PT}\nAge: {AGE}\nService: [Medicine|Cardiology|Surgery|Neurology]\nAttending physician: {DR}
DISCHARGE SUMMARY\nName: {PT}\nMRN: {MRN}\nAdmission: {DATE}\nDischarge: {DATE}\nDischarging physician: {DR}, {CRED}
{HOSP} \| Discharge Summary \| {PT} \| MRN {MRN} \| DOB {DOB}
Discharge Summary for {HONPT} ({AGEP} {SEX})\nAdmit date: {SDATE}/{YEAR}\nAttending: {DR}
DISCHARGE SUMMARY - {HOSP}\nPATIENT: {PT}\nAGE: {AGE}\nMRN: {MRN}\nPCP: {DR}
Patient: {PT}\nDOB: {DOB}\nSSN: {SSN}\nAdmitted {DATE} to {HOSP}
`},
	{"discharge", `
[Principal|Primary] diagnosis: {COND}. Secondary diagnoses: {CONDS}.
Hospital course: {PT} is a {AGEP} {SEX} with {CONDS} who [was admitted|presented] on {DATE} with {COND}.
[He|She|The patient] was treated with {MEDLINE} and [improved|stabilized] by hospital day {NUM}.
[Cardiology|Nephrology|GI|ID] ({DR}) was consulted for {COND}.
Discharge medications:\n- {MEDLINE}\n- {MEDLINE}\n- {MEDLINE}
Discharge medications: {MEDS}.
[New|NEW] medications: {MEDLINE}. [Stopped|STOPPED]: {MED}. [Changed|CHANGED]: {MEDLINE}.
[Follow-up|Follow up] with {DR} at {HOSP2} on {DATE}[ at {TIME}|].
[Follow up|F/u] with PCP {DR} in {NUM} weeks; call {PHONE} to schedule.
Condition at discharge: [stable|good|fair]. Discharged [home|to SNF|to rehab] [with family|at {HOSP2}].
[Pending|Outstanding] results: [blood cultures|biopsy] from {SDATE}; {DRL} will follow.
Labs on discharge: {LABS}.
[Vitals|VS] at discharge: {VITALS}.
Allergies: {MED} ([rash|hives|swelling]).
Instructions: take {MEDLINE}; return [to the ED|to ER] for {COND} or {COND}.
[Diet|Activity]: [cardiac diet|diabetic diet|as tolerated]; [no driving|no lifting] until {DATE}.
Code status: [Full code|DNR]. Contact: {NAME} ({PHONE}).
The patient [was seen|was examined] by {DR} on the day of discharge.
[Complications|COMPLICATIONS]: {COND} on {SDATE}, treated with {MEDLINE}.
[Procedures|PROCEDURES]: [cardiac cath|EGD|colonoscopy|thoracentesis] on {SDATE} by {DR}.
[Dictated|Electronically signed] by {DR}, {CRED}, {DATETIME}.
Home health [referral|arranged] with {HOSP2}; nurse {NURSE} will visit {DOW}.
The patient is a {AGEP} {SEX} admitted to {HOSP} on {DATE} [for|with] {COND}.
[Discharge|DISCHARGE] [instructions|INSTRUCTIONS] given to {PTF} and [wife|husband|daughter] {NAME}.
[Prescriptions|Rx] sent to {HOSP2}: {MEDS}.
[Home|HOME] [address|ADDRESS]: {ADDR}; [phone|PHONE] {PHONE}.
[Discharged|D/C'd] [home|to {HOSP2}] on {DATE} at {TIME} [in stable condition|by wheelchair].
[Signed|Dictated] by {DR} (NPI {NPI}) on {DATE}.
[Attending|Discharging] physician: {DR}, NPI {NPI}.
[PCP|Primary care provider] {DR} (NPI {NPI}) notified of discharge on {DATE}.
[Brief|BRIEF] hospital course: [admitted|presented] with {COND}; [treated|managed] with {MEDLINE}; [course complicated by|no complications apart from] {COND}.
[Medication changes|MED CHANGES]: [start|START] {MEDLINE}; [stop|STOP] {MED}; [continue|CONTINUE] {MEDLINE}.
[Patient|Pt] [and|&] [family|{NAME}] [verbalized|voiced] understanding; [copy|AVS] given.
[DISCHARGE DIAGNOSES|Discharge diagnoses]:\n1. {COND}\n2. {COND}\n3. {COND}
[HPI|History]: {AGEP} {SEX} [w/|with] {CONDS} [admitted|presented] {DATE} [w/|with] {COND}.
`},
	{"referral-open", `
Dear {DR},
Dear {DRL},
{HOSP}\n{ADDR}\n{DATE}\n\nRe: {PT}, DOB {DOB}\n\nDear {DR},
Re: {PT} (MRN {MRN})\n\nDear Colleague,
To: {DR}, {HOSP2}\nFrom: {ME}, {CRED}\nDate: {DATE}\nRe: {PT}
Referral to {HOSP2} - {PT}, DOB {DOB}\n\nDear {DR},
{DATE}\n\nDear {DR},
{DRL}\n{HOSP2}\n{ADDR}\n\nRe: {PT}, {AGEP} {SEX}, MRN {MRN}\n\nDear {DRL},
REFERRAL\nTo: {DR} ({HOSP2})\nPatient: {PT}\nDOB: {DOB}\nPhone: {PHONE}\n\nDear {DR},
{DATE}\n\nRE: {HONPT}, DOB {DOB}, NPI of referring provider {NPI}\n\nDear Colleague,
Dear {DR} and team,
`},
	{"referral", `
Thank you for seeing {PT}, a {AGEP} {SEX} with {CONDS}, whom I am referring for {COND}.
I would be grateful if you could see {HONPT} regarding [worsening|new|long-standing] {COND}.
[He|She] has been on {MEDLINE} since {DATE} without improvement.
Past history includes {CONDS}; [he|she] is S/P {COND} in {YEAR}.
Current medications are {MEDS}.
[He|She] is allergic to {MED}.
Recent [bloods|labs] on {SDATE}: {LABS}.
[I have|We have] [stopped|started] {MED} and [added|increased] {MEDLINE}.
{PTF} [lives|lives alone] in {CITY} and can be reached on {PHONE}.
[His|Her] daughter, {NAME}, [is|acts as] [his|her] [carer|caregiver] and can be contacted at {PHONE}.
[She|He] was seen at {HOSP2} on {DATE} for {COND}.
Examination: {VITALS}; otherwise unremarkable.
The patient works as a {JOB} and is keen to return to work by {DATE}.
I enclose [a copy of|] [her|his] [ECG|echo report|imaging] from {DATE}.
[Please|Kindly] [advise on|consider] [further management|a trial of {MED}].
[He|She] [has|is known to have] {COND} followed by {DR} at {HOSP2}.
[He|She] is a {AGEP} [retired|] {JOB} who lives [with family|alone] at {ADDR}.
[His|Her] insurance [requires|needs] the referring NPI, which is {NPI}.
[I saw|I reviewed] {PTF} on {DATE} [with|for] {COND}, and [started|stopped] {MEDLINE}.
[She|He] has [no known allergies|an allergy to {MED}] and takes {MEDS}.
[Please|Kindly] [contact|call] me on {PHONEX} or at {MYEMAIL} if you need more information.
[I|We] [suspect|are concerned about] {COND} and would value your [opinion|assessment].
[Imaging|CT] on {DATE} at {HOSP2} [showed|suggested] {COND}.
[She|He] [is|remains] [anxious|keen] to [avoid|start] {MED} [given|because of] {COND}.
`},
	{"referral-close", `
Yours sincerely,\n\n{ME}, {CRED}\n{HOSP}
Kind regards,\n{ME}\n{JOB}, {HOSP}\nTel {PHONEX}
With thanks,\n{DR}
Sincerely,\n{ME}, {CRED}\nNPI {NPI}
Best wishes,\n{ME}\n{HOSP} \| {PHONE} \| {MYEMAIL}
Yours faithfully,\n{ME}\ncc: {DR}
Thank you,\n{ME}, {CRED}
Yours sincerely,\n\n{DR}\n{HOSP}\n{ADDR}
Many thanks,\n{ME}, {CRED}\n{JOB}\n{PHONEX}
Regards,\n{ME}\nNPI: {NPI}\n{HOSP}
Best regards,\n{ME}, {CRED}
`},
}
