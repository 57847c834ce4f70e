package synth

// Enterprise frames: e-mail, tickets, CRM notes and chat, written for
// Obscura. Slots are listed in slots.go.
var enterprisePools = []framePool{
	{"email-subject", `
Subject: [Re: |Fwd: |]Invoice {TKT} for {ORG}
Subject: [Meeting|Call|Sync] with {CONTACT} on {DATE}
Subject: [Re: |]Contract renewal - {ORG}
Subject: Your account at {ORG}
Subject: Onboarding {CONTACT}[ - start date {DATE}|]
Subject: [URGENT|Action required]: payment for card ending {NUM}
Subject: Travel to {CITY} [next week|on {DOW}|{DATE}]
Subject: [Re: |]Complaint from {CONTACT}
Subject: Offer letter - {CONTACT}, {JOB}
Subject: [Re: |]Q{NUM} review with {ORG2}
Subject: Address change for {CONTACT}
Subject: Reference check: {NAME}
Subject: [Re: |Fw: |]Lunch on {DOW}?
Subject: Background check results[ for {CONTACT}|]
Subject: [Re: |]SSN needed for {CONTACT}'s I-9
Subject: Card {CC} - chargeback [dispute|request]
Subject: [New|Updated] address for {ORG}
Subject: [Re: |]Intro: {NAME} <> {CONTACT}
Subject: Expense report {TKT} ({AMT})
Subject: [Re: |]Visit to {ORG2} in {CITYST}
Subject: [Welcome to|Your first week at] {ORG}, {CONTACTF}!
Subject: [Re: |Fwd: |]Patient inquiry - {CONTACT}, DOB {DOB}
Subject: Wire instructions for {ORG2}
Subject: {JOB} candidate - {NAME}
`},
	{"email-greet", `
Hi {CONTACTF},
Hello {CONTACTF},
Dear {HONC},
Dear {CONTACT},
Hey {CONTACTF}!
Good morning {CONTACTF},
Dear {TMR} and {TMRS} {CONTACTL},
{CONTACTF} -
Hi team,
Hello all,
Dear Hiring Committee,
Dear {CONTACTF} and {FIRST},
Hi {CONTACTF}, hope you're well.
Dear {CONTACT} ({JOB}),
To whom it may concern,
Morning {CONTACTF} -
Hi {HONC},
Dear {TDR} {CONTACTL},
Hiya {CONTACTF},
Greetings {CONTACT},
Dear {ORG} team,
Hi {CONTACTF} and team,
Hello {HONC}, thank you for reaching out.
{CONTACTF},
`},
	{"email-body", `
[Thanks for|Thank you for] [your call|the call|meeting with me] [yesterday|on {DOW}|on {DATE}].
I'm following up on [the invoice|our quote|the proposal] we sent to {ORG} on {DATE}.
Please [send|forward] the signed [contract|NDA|agreement] to {EMAIL} [by|before] {DATE}.
You can reach me at {PHONEX} [if anything comes up|with any questions|any time after 2].
{NAME} from {ORG2} will [join us|dial in|be our point of contact] [as well|going forward|for the {CITY} project].
Our office has moved to {ADDR}; please update your records.
[The|Your] card ending {NUM} was declined[, so we tried the one on file: {CC}|]. [Could you|Can you] confirm the billing address?
I've attached the W-2 for {CONTACT} (SSN {SSN}) as requested.
[As discussed|Per our conversation], {ORG} will [cover|reimburse] the flights to {CITY}[, {COUNTRY}|].
{CONTACTF} asked me to loop in {NAME}, our new {JOB}.
The kickoff is [set|scheduled|booked] for {DATE} at {TIME} in our {CITY} office.
[Please|Kindly] confirm that {ADDR} is still the right shipping address for {CONTACT}.
My new number is {PHONE} and my personal email is {MYEMAIL}.
[I'm|I am] out of office from {DATE} to {DATE}; {NAME} ({PHONE}) is covering for me.
We'd like to offer you the role of {JOB} at {ORG}, starting {DATE}.
Attached is the reference letter for {NAME}, who reported to me at {ORG2} for [two|three|five] years.
The wire of {AMT} from {ORG2} [arrived|cleared|bounced] on {DATE}.
[Can you|Could you] [call|ring] {HON} at {PHONEX} about the late delivery?
{HON} [complained|wrote in|called] [twice|again|this morning] about the [charge|fee|refund] of {AMT}.
I [met|had coffee with] {NAME} [in|at our] {CITY} [office|branch] and [she|he|they] would love to work with {ORG}.
Reminder: the team offsite is in {CITY}, {COUNTRY} on {DATE}.
Per HR, {CONTACT}'s date of birth is {DOB} and the employee ID is {TKT}.
[Our|The] {JOB}, {NAME}, [will|can] walk you through the [numbers|roadmap|audit findings].
The package for {CONTACT} was [returned|delivered] to {ADDR} on {DATE}.
[FYI|Heads up], {NAME} [is leaving|left] {ORG} [at the end of the month|on {DATE}] to join {ORG2}.
Please don't share {CONTACTF}'s [cell|mobile] ({PHONE}) outside the team.
[I spoke to|I talked with] {HON} at {ORG2}; they [approved|rejected] the quote of {AMT}.
{CONTACTF}, can you send me the tax ID and the address of the {CITY} [warehouse|store|branch]?
[The|This] [claim|case] {TKT} concerns {NAME}, born {DOB}, living in {CITYST}.
[Let's|Shall we] [move|push] our [1:1|sync|catch-up] to {DOW} at {TIME}?
We [received|processed] the return from {CONTACT}; the refund goes back to card {CC}.
[Happy|Congrats on your] [anniversary|promotion], {CONTACTF}! [The team|Everyone at {ORG}] is proud of you.
[Our lawyer|Legal], {NAME}, needs the {CITY} lease signed by {DATE}.
{CONTACTF} [will be|is] [relocating|moving] from {CITY} to {CITY} [in {DATE}|next quarter|this summer].
[Please|Pls] [update|correct] the spelling of my name to {ME} in the [directory|payroll system].
The [driver|courier] could not find {ADDR}; please call {PHONE} to rearrange.
For payroll I need your SSN ({SSN} is what we have) and your home address; is {ADDR} still current?
The [new|replacement] card {CC} [was mailed|ships] to {ADDR} on {DATE}.
[Please|Could you] wire {AMT} to {ORG2} and send the confirmation to {EMAIL}?
{NAME}, {AGE}, [will|would like to] [join|visit] our {CITY} office on {DATE}.
My [manager|director], {HON}, [approved|signed off on] the budget for {ORG2}.
We [flew|drove] from {CITY} to {CITY} [with|and met] {NAME} from {ORG}.
Your appointment with {HON} is confirmed for {DATETIME} at {ADDR}.
I [have|got] a voicemail from {NAME} ({PHONEX}) asking about {CONTACTF}'s account.
{CONTACTF} turned {AGE} [last week|on {DATE}|today] - cake in the {CITY} office at {TIME}!
The background check for {NAME} (SSN {SSN}, DOB {DOB}) came back clean.
Our {JOB}, {NAME}, [is based|works remotely] in {CITY}, {COUNTRY}.
[Please|Pls] send the [invoice|receipt] for card {CC} to {NAME} at {EMAIL}.
[We've|We have] [signed|renewed] with {ORG2} through {DATE}; {NAME} is the account lead.
{HON} from {ORG2} [can meet|is free] [on {DOW}|{DATE}] at {TIME}; [does that work|is that ok]?
The tenant at {ADDR} is {NAME}; [contact number|mobile] {PHONE}.
I'm [sharing|forwarding] {CONTACTF}'s [resume|CV]: {AGE}, [based in|living in] {CITYST}, currently {JOB} at {ORG2}.
We are hosting a {NAT} delegation from {ORG2} on {DATE}; {NAME} will [meet them|give the tour].
[The|Our] {NAT} [distributor|partner], {ORG2}, [has asked|wants] to renegotiate by {DATE}.
[Apologies|Sorry] for the delay - {NAME} [was out|was travelling] [until|through] {DATE}.
Could you [add|invite] {NAME} ({EMAIL}) to the [{CITY}|project] [channel|distribution list]?
[As a reminder|Reminder], [timesheets|expenses] are due {DOW} by {TIME}.
{ORG2} [confirmed|declined] the [order|PO] for {AMT}; {NAME} will [follow up|update you].
[I've|We've] [booked|reserved] a room at the {CITY} [office|hotel] for {CONTACTF} from {SDATE} to {SDATE}.
[Please find attached|Attached is] the [agreement|statement] for {CONTACT}, account {TKT}.
[Per|As per] {HON}, the [deadline|go-live] [moved|slipped] to {DATE}.
`},
	{"email-close", `
Thanks,\n{MEF}
Best regards,\n{ME}
Best,\n{ME}\n{JOB}, {ORG}\n{PHONEX}
Kind regards,\n{ME}\n{ORG}
Cheers,\n{MEF}
Regards,\n{ME} \| {JOB} \| {MYEMAIL}
Thank you,\n{ME}\n{PHONE}
Sincerely,\n{ME}\n{JOB}
Talk soon,\n{MEF}
Many thanks,\n{ME}\n{ORG} \| {ADDR}
- {MEF}
Warmly,\n{MEF}
Best,\n{ME}\n{JOB}\n{ORG}\n{ADDR}
Thanks again,\n{ME}\nM: {PHONE}
All the best,\n{MEF}
Regards,\n{ME}\nSent from my phone
Cordially,\n{ME}, {JOB}
Thanks!\n{MEF} ({MYEMAIL})
`},
	{"ticket-head", `
Ticket {TKT} - opened by {ME} on {DATE}
[INC|Incident] {TKT} \| Priority [P1|P2|P3|High|Low] \| Reporter: {ME} ({MYEMAIL})
Case {TKT} (customer: {CONTACT}, {ORG})
Request {TKT} from {ME}, {JOB}
[New|Updated] ticket {TKT} assigned to {NAME}
Support case {TKT} - caller {CONTACT}, callback {PHONEX}
Helpdesk {TKT} / {CITY} office / {DATETIME}
Escalation {TKT} from {HON}
Bug {TKT} reported by {ME} on {DOW}
Service request {TKT} - account holder {CONTACT}
Ticket {TKT} \| {ORG} \| opened {DATETIME}
Case {TKT} - {HON} - [billing|access|hardware|fraud]
[P1|P2] {TKT}: {ORG} outage reported by {ME}
{TKT} - new hire setup for {CONTACT} ({JOB}), start {DATE}
Fraud case {TKT}: card {CC}
Identity verification {TKT} - {CONTACT}, SSN ending {NUM}{NUM}
Ticket {TKT} / caller {CONTACT} / {PHONE} / {CITYST}
`},
	{"ticket-body", `
User {CONTACT} cannot log in to the VPN since {DATE}.
Caller said the laptop was shipped to {ADDR} but never arrived.
[Customer|Client] {CONTACT} wants a refund of {AMT} to card {CC}.
Please reset the password for {EMAIL}; user is [travelling in|based in] {CITY}.
Reassigning to {NAME} ({JOB}) for review.
[Called|Phoned] {CONTACTF} at {PHONEX}, no answer; left voicemail.
Issue started after the update on {DATE} at {TIME}.
Caller verified identity with DOB {DOB} and last four of SSN.
The badge for {CONTACT} does not open the {CITY} office.
[Contact|Customer] asked us to update the address to {ADDR}.
[Duplicate of|Related to] {TKT}; closing.
Escalated to {ORG2} support, reference {TKT}.
Caller {HON} says [a charge|charges] of {AMT} on {DATE} [is|are] not [theirs|hers|his].
Customer provided SSN {SSN} for the credit check; [masked in CRM|stored in vault].
Replacement [phone|monitor|laptop] [ordered|shipped] to {CONTACT} at {ADDR}.
[Resolved|Fixed]: {NAME} restored the mailbox for {EMAIL}.
{CONTACTF} from {ORG} [needs|wants] admin rights on the shared drive.
Please [call|contact] [him|her|them] back on {PHONE} before {TIME}.
Customer is moving to {CITYST} on {DATE}; [update|change] the billing address.
The card {CC} was flagged for fraud in {COUNTRY}.
Ticket reopened by {CONTACTF} on {DATE}: still broken.
Waiting on {NAME} in procurement to approve {AMT}.
Caller wants the statement sent to {EMAIL} instead of {ADDR}.
Verified caller with SSN {SSN} and DOB {DOB}.
Customer {CONTACT} ({AGE}) [says|reports] the card {CC} was [stolen|lost] in {CITY}.
Shipping label printed for {ADDR}; tracking sent to {EMAIL}.
Spoke with {HON} at {PHONEX}; [they|she|he] will [retry|call back] {DOW}.
[Assigned|Routed] to {NAME}, {JOB}, {CITY} team.
Customer's new employer is {ORG2}; update the account.
[User|Employee] {CONTACT} is [on leave|out] until {DATE}; [forward|route] requests to {NAME}.
Account holder's DOB on file is {DOB}, but caller gave {DATE}; [flagged|escalated].
Refund of {AMT} issued on {DATE} to card {CC}.
[Laptop|Phone] [left|forgotten] at the {CITY} airport; {CONTACTF} [needs|wants] a loaner.
[Steps to reproduce|Repro]: log in as {EMAIL}, open [reports|billing], [click export|refresh].
[Affects|Impacted users]: {NAME}, {NAME} and the {CITY} [team|branch].
[Workaround|Temp fix] [given|sent] to {CONTACTF} on {DATE}; [awaiting|pending] confirmation.
[Customer|Caller] [asked|wants] to [close|cancel] the account and [mail|send] the balance to {ADDR}.
SLA breach risk: [opened|logged] {DATETIME}, [no response|no update] since.
`},
	{"crm", `
[Call|Meeting|Lunch] with {CONTACT} ({JOB}, {ORG}) on {DATE}: [interested in|asked about|pushing back on] the [enterprise plan|renewal|pilot].
{CONTACTF} [prefers|asked for] email at {EMAIL}; [do not call|no calls] before {TIME}.
Decision maker is {NAME}, {JOB}; {CONTACTF} is the champion.
[Account|Prospect] {ORG} [based in|HQ in] {CITYST}; [{NUM} seats|renewal {DATE}].
{CONTACT} [moved|switched] from {ORG2} to {ORG} [last month|in {DATE}|recently].
Left voicemail for {CONTACTF} at {PHONEX}.
Sent [pricing|the deck|a proposal] to {CONTACT} <{EMAIL}>.
Next step: demo for {CONTACTF} and {NAME} on {DOW}.
{HONC} [is|was] [unhappy|happy|frustrated] with [support|the rollout|billing]; offered a credit of {AMT}.
Billing contact: {NAME}, {PHONE}, {ADDR}.
{CONTACTF}'s [assistant|EA], {FIRST}, schedules [all|his|her] meetings.
Met {CONTACT} at the [conference|trade show] in {CITY}, {COUNTRY}.
Customer since {YEAR}; primary contact {CONTACT}.
[Churn risk|Upsell opportunity]: {ORG} [is evaluating|signed with] {ORG2}.
{CONTACT} - birthday {SDATE} - [send card|likes golf|two kids].
Contract signed by {NAME} ({JOB}) on {DATE}.
Shipping address for {ORG}: {ADDR}.
Spoke to {HON}, who [replaced|took over from] {NAME} as {JOB}.
[Lead|Referral] from {NAME} at {ORG2}; [warm|cold] intro to {CONTACTF}.
{CONTACTF} [will be|is] in {CITY} from {SDATE} to {SDATE} and [wants|can do] a meeting.
Card on file {CC} expires soon; [asked|remind] {CONTACTF} to update it.
{CONTACT} ({AGE}) [retired|left] from {ORG2}; new contact is {NAME}, {JOB}.
[Collected|Updated] payment card {CC} for {ORG}; [autopay|invoice] [on|off].
SSN {SSN} on file for {CONTACT} [verified|mismatch] on {DATE}.
Mailing address for {CONTACT}: {ADDR}.
{HONC} [asked|prefers] to be called on {PHONEX} [after|before] {TIME}.
[Dinner|Coffee] with {CONTACTF} and [his|her] partner {FIRST} in {CITY}; [great|good] rapport.
{ORG} [HQ|office] moved from {CITY} to {CITYST} in {YEAR}.
[Renewal|Upsell] call with {CONTACT} set for {DATETIME}.
{CONTACTF} ({EMAIL}) [opened|clicked] the [campaign|newsletter] on {DATE}.
{ORG} is a {NAT} [multinational|supplier|family-owned company] [based in|with offices in] {CITY}.
{CONTACTF} is {NAT} and [prefers|asked for] meetings [in the morning|before {TIME}].
[Prospect|Lead] {ORG2} [was bought by|merged with] a {NAT} [group|fund] in {YEAR}.
[Q{NUM}|Quarterly] [review|QBR] with {CONTACT} and {NAME} at {ORG} on {DATE}; [renewal at risk|expansion likely].
{CONTACTF} [mentioned|said] [their|the] {JOB}, {NAME}, [is leaving|just joined].
[Gift|Swag] [sent|shipped] to {CONTACT} at {ADDR} for [the holidays|signing].
[Objection|Concern]: [price|security review|timing]; {CONTACTF} [needs|wants] [a discount|SOC 2 report] by {DATE}.
`},
	{"chat", `
hey [can you|could you] ping {CONTACTF} about the {CITY} trip?
[did|has] {NAME} [send|sent] you the slides yet?
[lol|haha] {FIRST} just called from {PHONE}
meet me at {ADDR} at {TIME}
[omw|on my way], tell {FIRST} [i'm|im] late
{CONTACTF}'s number is {PHONE} [btw|fyi]
can u send me {NAME}'s email? [i think|pretty sure] it's {EMAIL}
[we're|were] flying to {CITY} on {DOW}
{FIRST} [quit|got promoted|is out sick] [today|lol|!!]
[who's|whos] the new {JOB} at {ORG}?
[reminder|reminder:] dinner at {FIRST}'s on {DATE}
[just|] talked to {HON}, [they|she|he] said [ok|no|maybe]
[my|] [card|visa] {CC} got declined again [ugh|smh|wtf]
[pls|please] [call|text] me at {PHONE} [asap|when u can]
[going to|gonna be in] {CITY} for [work|a wedding] {DATE}
{NAME} from {ORG} keeps emailing me
[is|was] {FIRST} [at|in] the {CITY} office [today|this week]?
[i|I] moved! new address is {ADDR}
[happy bday|happy birthday] {FIRST}!!
[can you|could u] [cover|take] my shift on {DOW}? ask {FIRST} otherwise
my ssn is {SSN} [for the form|if u need it]
[did you see|saw] {NAME}'s post about {ORG2}?
[ok|k] [i'll|ill] [send|forward] it to {EMAIL}
[ask|tell] {FIRST} to [bring|grab] the badge for {NAME}
[sorry|srry] [missed your call|was in a meeting], [can|will] call back at {TIME}
[we|i] landed in {CITY}, {COUNTRY}
[yo|hey] {FIRST} [u|you] [free|around] at {TIME}?
[my|] [new|] [number|#] is {PHONE}
[can you|pls] [send|share] {NAME}'s address? [i have|got] {ADDR} but [not sure|idk]
[ok so|so] {FIRST} is {AGE} [now|today] lol
[just|] [saw|ran into] {NAME} [at|in] {CITY} [airport|station|mall]
[did|has] {ORG} [pay|paid] the invoice [yet|already]?
[heading|driving] to {ADDR}, [there|be there] by {TIME}
{FIRST} [wants|needs] the card number, [it's|its] {CC}
[tell|remind] {HON} [about|re] the meeting on {DOW}
[pls|plz] [email|send] it to {EMAIL} not my work one
[there's|theres] a new {NAT} [place|restaurant|bakery] near {ADDR}
{FIRST} is {NAT} [btw|lol], ask [him|her] about {CITY}
[we're|were] doing {NAT} food [tonight|on {DOW}] at {FIRST}'s
[brb|one sec], {FIRST} [is calling|at the door]
[so|ok] [{NAME}|{FIRST}] [said|says] the [party|meeting] is at {ADDR}
[can you|could u] [grab|pick up] {FIRST} from [the airport|school] at {TIME}?
[who is|whos] {NAME}? [got|received] an email from {EMAIL}
[lol|haha] [remember|rmbr] when {FIRST} [got lost|missed the flight] in {CITY}?
[can u|could you] [check|look at] {NAME}'s [ticket|case] {TKT}
[omg|wow] {FIRST} [just|] [got|landed] the {ORG} [account|deal]
`},
}
