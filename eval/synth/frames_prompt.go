package synth

// LLM prompts: stand-alone requests, and wrappers around a whole document
// ({INNER}), written for Obscura.
var promptPools = []framePool{
	{"prompt", `
[Please|Can you] summarize the case for {NAME} (SSN: {SSN}), who lives at {ADDR} and can be reached at {PHONE}.
Draft a [reply|follow-up] to {CONTACT} <{EMAIL}> confirming the renewal with {ORG}.
Write a short bio for {NAME}, {JOB} at {ORG}, based in {CITY}.
[Translate|Translate this] into [Mandarin|Arabic|Tagalog|Hindi]: {NAME} will move to {ADDR} next month.
Format this as a table - name: {NAME}, email: {EMAIL}, phone: {PHONE}, city: {CITY}
Write a [LinkedIn recommendation|reference] for {NAME}, who worked with me at {ORG} until {DATE}.
[Is this|Could this be] a phishing email? From: {EMAIL}. [Subject|Re]: Your {ORG} account is locked.
[Generate|Write] a polite [decline|rejection] letter to {HON} at {ORG} about the {CITY} office lease.
[Extract|List] the action items: {FIRST} to send the deck to {EMAIL}; {NAME} to book travel to {CITY}.
[Why|Explain why] was the [transfer|payment] from {NAME} to {ORG} on {DATE} flagged?
[Compose|Write] a thank-you note to {NAME} and {NAME} for hosting us in {CITY}.
Rewrite [formally|politely]: yo {FIRST}, meet me at {ADDR} on {DATE}, k?
[Check|Verify] whether {NAME}, born {DOB}, SSN {SSN}, matches the record in {CITYST}.
[Write|Draft] an offer letter for {NAME} as {JOB} at {ORG}, start date {DATE}.
What should I say to {HON} whose card {CC} was charged twice on {DATE}?
[Turn|Convert] these notes into an email to {CONTACT}: meeting {DOW} {TIME}, {CITY} office, bring contract.
[Make|Create] a calendar invite for {NAME} and {NAME} on {DATE} at {TIME}.
[Help me|Please help me] write a complaint to {ORG} about my order to {ADDR}.
Pretend you are {NAME}, the {JOB} at {ORG}, and answer customer questions.
[Score|Rate] this sales lead: {CONTACT}, {JOB}, {ORG}, {CITYST}, {EMAIL}.
[Write|Draft] a [cover letter|short intro] for {NAME}, {AGE}, applying for {JOB} at {ORG}.
Summarize [this|the] call: {HON} from {ORG} called {PHONE} about card {CC} on {DATE}.
[Fill in|Complete] the form: name {NAME}, SSN {SSN}, DOB {DOB}, address {ADDR}.
[Plan|Suggest] a [3-day|weekend] trip to {CITY}, {COUNTRY} for {NAME} and {FIRST}.
[Write|Compose] a [birthday|farewell] message for {NAME}, who [turns {AGE}|leaves {ORG}] on {DATE}.
[Is|Does] this [signature|email] look [legit|real]? {NAME}, {JOB}, {ORG}, {PHONEX}, {EMAIL}
Give me talking points for my [call|meeting] with {HON}, {JOB} at {ORG2}, on {DOW}.
[Parse|Extract] the address from: "Deliver to {NAME}, {ADDR}, call {PHONE} on arrival"
Who should {NAME} at {ORG} contact in {CITYST} about [the lease|the contract|payroll]?
[Write|Draft] a dispute letter for card {CC}: charged {AMT} by {ORG} on {DATE}.
Recommend a {NAT} restaurant in {CITY} for {NAME} and me on {DOW}.
[Write|Draft] a [welcome|holiday] note for our {NAT} colleagues at {ORG} in {COUNTRY}.
[Draft|Write] an email to {HON} at {ORG} [asking for|requesting] a [refund|meeting|quote] by {DATE}.
[Summarize|Outline] the key points for {NAME}'s [onboarding|exit interview] at {ORG} on {DATE}.
[Create|Make] a contact card: {NAME}, {JOB}, {ORG}, {PHONEX}, {EMAIL}, {ADDR}.
Return JSON with keys name, company, phone for: "{NAME} ({JOB}, {ORG}) - {PHONEX}"
\| Name \| Email \| City \|\n\| {NAME} \| {EMAIL} \| {CITY} \| - [sort|clean up] this table
`},
	{"wrap-ent", `
Summarize the following [email|message|thread][ in two sentences| for my manager|]:\n\n{INNER}
[Rewrite|Rephrase] this so it sounds [friendlier|more professional|shorter]:\n"""\n{INNER}\n"""
Extract every [name, date and phone number|person and company|action item] from the text below.\n\n{INNER}
[Translate|Please translate] to [Cantonese|Swahili|Farsi|Urdu]:\n{INNER}
Classify the sentiment of this [ticket|message|note] (positive/negative/neutral):\n{INNER}
[Draft|Write] a reply to this[ for {NAME}|]:\n---\n{INNER}\n---
You are a helpful assistant for {ORG}. [Answer|Respond to] the customer below.\n\n{INNER}
[Fix|Correct] the grammar[ and spelling|] in:\n{INNER}
Turn this into a JSON object with fields name, email, phone:\n{INNER}
Is anything in this message [a security risk|confidential|urgent]?\n\n{INNER}
[TL;DR|tldr] please:\n{INNER}
Context:\n{INNER}\n\nQuestion: [who should I follow up with|what did {FIRST} ask for|when is the deadline]?
[Write|Generate] meeting minutes from these notes:\n{INNER}
Below is a [customer|support] [ticket|email]. [Classify|Tag] it by urgency and explain why.\n\n{INNER}
[Redact|Anonymize] nothing; just [summarize|shorten] this for {NAME}:\n{INNER}
Reply to {CONTACTF} [politely|firmly] based on this thread:\n\n{INNER}
[Convert|Turn] the following into a CRM note:\n{INNER}
[Write|Draft] a [response|follow-up] [as|from] {NAME}, {JOB}, to:\n\n{INNER}\n\n[Keep it short.|Be polite.|Use bullet points.]
### Input\n{INNER}\n### Task\n[Summarize|List the next steps|Identify the customer].
<<<\n{INNER}\n>>>\n[Summarize the above|What does the sender want]?
`},
	{"clinprompt", `
Is {MED} safe with {MED} for a patient with {COND}? Patient is {PT}, MRN {MRN}.
Explain to {PTF} in plain language what {COND} means and why {MED} was prescribed.
[Write|Draft] a prior authorization for {MEDLINE}: patient {PT}, DOB {DOB}, diagnosis {COND}.
What is the usual dose of {MED} for a {AGEP} with {COND}?
[Code|Suggest ICD-10 codes for] this encounter: {COND} treated with {MEDLINE}, provider {DR}, {HOSP}.
[Draft|Write] a message to {PT} at {EMAIL}: your lab results from {DATE} are ready.
Make a medication schedule for {PT}: {MEDS}.
[Write|Draft] a letter to {HON}'s insurer explaining why {MED} is needed for {COND}.
[List|What are] the side effects of {MED} I should warn {PTF} about?
My [mother|father|husband|wife], {NAME}, {AGE}, has {COND} and takes {MEDLINE}. Is that normal?
[Can you check|Could you check] the interaction between {MED} and {MED} for {HONPT}?
[Write|Draft] a sick note for {PT}, {AGEP}, seen at {HOSP} on {DATE} for {COND}.
[Summarize|Explain] the plan for {HONPT} ({AGEP}, {COND}): {MEDS}.
[Fill in|Complete] the claim: patient {PT}, SSN {SSN}, MRN {MRN}, provider NPI {NPI}, diagnosis {COND}.
Is {DOSE} of {MED} [too much|ok|safe] for a {AGE} year old with {COND}?
[Draft|Write] an appeal to the insurer for {PT} (DOB {DOB}): {MED} denied for {COND}.
[Write|Draft] a message to {DR} at {HOSP} about {PT}'s [worsening|new] {COND}.
[Check|Validate] this order: {MEDLINE} for {PT}, prescriber {DR}, NPI {NPI}.
[Write|Draft] a fax cover to {HOSP} for {PT} (MRN {MRN}); sender NPI {NPI}, phone {PHONE}.
[Summarize|Write up] this for the chart: {AGEP} {SEX}, {COND}, started {MEDLINE} on {DATE}, [f/u|follow-up] with {DR}.
[What labs|Which tests] should I order for {PTF}, {AGEP} with {CONDS}?
[Turn|Convert] into a discharge med list for {PT}: {MEDS}.
`},
	{"wrap-clin", `
Summarize this [note|nursing note|discharge summary|H&P][ for handoff| in 3 bullet points| for the patient|]:\n\n{INNER}
[Write|Rewrite] patient-friendly instructions from this note:\n{INNER}
Extract all medications, doses and diagnoses as a table:\n\n{INNER}
[Convert|Turn] this into a SOAP note:\n{INNER}
Identify any drug interactions in the following:\n"""\n{INNER}\n"""
You are a clinical documentation assistant. [Clean up|Improve] this note:\n{INNER}
[Draft|Write] a referral letter to {DR} based on:\n{INNER}
What ICD-10 codes apply?\n\n{INNER}
[Translate|Please translate] for the family [into Amharic|into Mandarin|into Arabic]:\n{INNER}
[Check|Review] this [note|summary] for missing information:\n---\n{INNER}\n---
Here is a note from {HOSP}. [Summarize|Explain] it for {NAME}, the patient's [daughter|son|caregiver].\n\n{INNER}
Below is a nursing note. [List|Extract] the vital signs and medications.\n\n{INNER}
[Summarize|Condense] for the [receiving|accepting] team at {HOSP2}:\n{INNER}
### Note\n{INNER}\n### Task\n[Write a one-line summary|List the problems|Suggest follow-up].
[Rewrite|Expand] the abbreviations in this note:\n\n{INNER}
[Draft|Write] discharge instructions in plain English from:\n{INNER}
<note>\n{INNER}\n</note>\n[Summarize the above note|List the diagnoses above] for {DR}.
`},
}
