package synth

// Templates use {TYPE} placeholders; each one is filled with a fresh value of
// that entity type. {FIRST} and {LAST} are a first or last name alone, labelled
// PERSON. {REF} is the most recent PERSON's last name, labelled PERSON. Text
// outside placeholders is never labelled.
//
// The first template of each list is the product plan's example.

var enterpriseTemplates = []string{
	"Please summarize the case for {PERSON} (SSN: {SSN}), who lives at {ADDRESS} and can be reached at {PHONE}.",
	"The meeting between {PERSON} from {ORGANIZATION} and {PERSON} was held in {LOCATION} on {DATE}.",
	"Draft a reply to {PERSON} <{EMAIL}> confirming the renewal with {ORGANIZATION}.",
	"Can you rewrite this email so it sounds friendlier? \"Hi {FIRST}, your invoice is overdue. Call me at {PHONE}.\"",
	"Customer {PERSON}, SSN {SSN}, disputes a charge on card {CREDIT_CARD} made on {DATE}.",
	"Translate into French: {PERSON} will move to {ADDRESS} next month.",
	"{PERSON} ({EMAIL}) asked whether {ORGANIZATION} ships to {LOCATION}.",
	"Summarize the complaint: on {DATE}, {PERSON} called {PHONE} three times and nobody answered.",
	"Write a short bio for {PERSON}, VP of Sales at {ORGANIZATION}, based in {LOCATION}.",
	"Update the HR record: employee {PERSON}; SSN {SSN}; home address {ADDRESS}; phone {PHONE}.",
	"Is this a phishing email? From: {EMAIL}. Subject: Your {ORGANIZATION} account is locked.",
	"{ORGANIZATION} signed the contract with {ORGANIZATION} on {DATE} in {LOCATION}.",
	"Hey, can you check why {PERSON}'s payment with card number {CREDIT_CARD} failed?",
	"Format this as a table - name: {PERSON}, email: {EMAIL}, phone: {PHONE}, city: {LOCATION}",
	"Remind me to call {FIRST} at {PHONE} before {DATE}.",
	"The background check for {PERSON} (social security number {SSN}) came back clean.",
	"Ship the replacement laptop to {PERSON}, {ADDRESS}.",
	"Our new hire {PERSON} starts on {DATE}; please email {EMAIL} the onboarding packet.",
	"Generate a polite decline letter to {PERSON} at {ORGANIZATION} regarding the {LOCATION} office lease.",
	"Classify the sentiment of this review by {PERSON} from {LOCATION}: \"Great service from {ORGANIZATION}!\"",
	"I spoke with Mr. {LAST} yesterday; he said {ORGANIZATION} will wire the funds by {DATE}.",
	"Extract the action items: {FIRST} to send the deck to {EMAIL}; {PERSON} to book travel to {LOCATION}.",
	"Please verify identity for {PERSON}, born {DATE}, SSN {SSN}.",
	"Write a LinkedIn recommendation for {PERSON}, who worked with me at {ORGANIZATION} until {DATE}.",
	"The tenant at {ADDRESS} is {PERSON}; contact number {PHONE}; email {EMAIL}.",
	"Why was the transfer from {PERSON} to {ORGANIZATION} on {DATE} flagged?",
	"Compose a thank-you note to {PERSON} and {PERSON} for hosting us in {LOCATION}.",
	"Escalation: {ORGANIZATION} customer {PERSON} ({PHONE}) wants a refund to card {CREDIT_CARD}.",
	"Rewrite formally: yo {FIRST}, meet me at {ADDRESS} on {DATE}, k?",
	"List the risks of sharing {PERSON}'s SSN ({SSN}) over email with {ORGANIZATION}.",
}

var clinicalTemplates = []string{
	"Patient {PERSON}, MRN {MRN}, presents with {CONDITION}. Current medications: {MEDICATION}. Follow-up scheduled {DATE}.",
	"Dr. {PERSON} at {ORGANIZATION} diagnosed {CONDITION} and prescribed {MEDICATION} {DOSAGE}.",
	"Summarize this discharge note: {PERSON} (MRN: {MRN}) was admitted on {DATE} for {CONDITION} and discharged on {MEDICATION} {DOSAGE}.",
	"{PERSON} is a patient of Dr. {LAST} with a history of {CONDITION} and {CONDITION}.",
	"Refill request: {MEDICATION} {DOSAGE} for {PERSON}, MRN {MRN}, prescriber NPI {NPI}.",
	"Pt {PERSON} reports worsening {CONDITION} since {DATE}; started {MEDICATION} {DOSAGE}.",
	"Write a referral letter from Dr. {PERSON} ({ORGANIZATION}) to cardiology for {PERSON}, who has {CONDITION}.",
	"MRN {MRN} - {PERSON} - allergic to {MEDICATION}; avoid until reviewed on {DATE}.",
	"Explain to {FIRST} in plain language what {CONDITION} means and why {MEDICATION} was prescribed.",
	"Med list for {PERSON}: {MEDICATION} {DOSAGE}; {MEDICATION} {DOSAGE}; {MEDICATION} {DOSAGE}.",
	"On {DATE}, {PERSON} was seen at {ORGANIZATION} for {CONDITION}. Plan: continue {MEDICATION}.",
	"Assessment: {CONDITION}, stable. Patient {PERSON} (DOB {DATE}) to continue {MEDICATION} {DOSAGE}.",
	"Call {PERSON} at {PHONE} to confirm the {DATE} appointment with Dr. {LAST}.",
	"Prior authorization for {MEDICATION} {DOSAGE}: patient {PERSON}, MRN {MRN}, diagnosis {CONDITION}.",
	"{PERSON}, 54, was brought to {ORGANIZATION} with {CONDITION} and given {MEDICATION}.",
	"Translate the instructions for {PERSON}: take {MEDICATION} {DOSAGE} and return on {DATE}.",
	"HPI: {PERSON} describes {CONDITION} for two weeks; denies fever. Home meds include {MEDICATION}.",
	"Dear Dr. {LAST}, I am writing about our mutual patient {PERSON} (MRN {MRN}), recently diagnosed with {CONDITION}.",
	"Bill {ORGANIZATION} for {PERSON}'s visit on {DATE}; SSN on file {SSN}; NPI {NPI}.",
	"Progress note - {DATE}: {PERSON} tolerating {MEDICATION} {DOSAGE} well; {CONDITION} improving.",
	"Draft a message to {PERSON} at {EMAIL}: your lab results from {DATE} are ready.",
	"Is {MEDICATION} safe with {MEDICATION} for a patient with {CONDITION}? Patient is {PERSON}, MRN {MRN}.",
	"The patient, {PERSON}, lives at {ADDRESS} and is followed by {ORGANIZATION} for {CONDITION}.",
	"Switch {PERSON} from {MEDICATION} to {MEDICATION} {DOSAGE} because of {CONDITION}.",
	"Nursing handoff: bed 12, {PERSON}, MRN {MRN}, admitted {DATE}, {CONDITION}, on {MEDICATION} {DOSAGE} PRN.",
	"Summarize: Dr. {PERSON} (NPI {NPI}) saw {PERSON} on {DATE} and ordered tests for {CONDITION}.",
	"{PERSON}'s daughter called from {PHONE} asking about her mother's {CONDITION}.",
	"Write patient-friendly discharge instructions for {PERSON}: {CONDITION}; {MEDICATION} {DOSAGE}; follow up with {ORGANIZATION} on {DATE}.",
	"ED triage: {PERSON}, MRN {MRN}, chief complaint {CONDITION}, transported from {LOCATION}.",
	"Please code this encounter: {CONDITION} treated with {MEDICATION} {DOSAGE}, provider Dr. {LAST}, {ORGANIZATION}.",
}

// prefixes and suffixes wrap a filled template to vary the surface form of
// prompts without adding entities.
var prefixes = []string{"", "", "", "", "Hi, ", "Quick question: ", "Task: ", "Please help. ", "FYI - ", "Hello! ", "URGENT: ", "Note: "}

var suffixes = []string{"", "", "", "", " Thanks!", " Thank you.", " Keep it brief.", " Use bullet points.", " ASAP please", " (internal only)", " Respond in English.", " Be concise"}
