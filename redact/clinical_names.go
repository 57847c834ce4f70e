package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The PERSON detectors of the clinical layer (see clinical_patterns.go):
// capitalised name tokens after a title (DR. JANE DOE), a field label (PT:
// JOHN SMITH) or a relation word (WIFE ROSA DELACROIX). In upper-case notes
// a name cannot be told from a word by its case, so the tokens must not be
// common note words (notNames), abbreviations without a vowel (HTN) or
// verb forms (CALLED, RESTING).

// reNameTitle is a title before a name: DR. JANE DOE, Mr Smith; the name
// is read by checkNameAfter from the end of the match. Upper-case MR, MRS
// and MS need their dot (MR is mitral regurgitation, MS multiple sclerosis
// or morphine); DR does not.
var reNameTitle = regexp.MustCompile(`\b(?:(?:DR|Dr|Mr|Mrs|Ms|Miss|MISS|PROF|Prof)(?:\. ?| )|(?:MR|MRS|MS)\. ?|(?:Doctor|DOCTOR) )`)

// relationWords are relations and roles before a name (upper-case):
// WIFE ROSA DELACROIX, DAUGHTER (SUSAN MCALLISTER), PER PHARMACIST OMAR.
var relationWords = wordSet("WIFE", "HUSBAND", "DAUGHTER", "SON", "MOTHER", "FATHER", "SISTER", "BROTHER", "NEIGHBOR",
	"NEIGHBOUR", "FRIEND", "PARTNER", "FIANCE", "FIANCEE", "GRANDDAUGHTER", "GRANDSON", "NIECE", "NEPHEW", "AUNT", "UNCLE",
	"CAREGIVER", "PHARMACIST", "RN", "CNA", "NP", "PA")

// findRelation finds a relation word (any case) followed by a space and an
// optional '('; the candidate is the word through them, and checkNameAfter
// reads the name after it.
func findRelation(text string) [][]int {
	var out [][]int
	var buf []byte
	asciiWords(text, func(s, e int) {
		if e-s > len("GRANDDAUGHTER") || e >= len(text) || text[e] != ' ' {
			return
		}
		if buf = upperWord(buf, text, s, e); !relationWords[string(buf)] {
			return
		}
		end := e + 1
		if end < len(text) && text[end] == '(' {
			end++
		}
		out = append(out, []int{s, end})
	})
	return out
}

// nameLabels are field labels before a name (upper-case), longest first
// where one extends another: PT: JOHN SMITH, PATIENT NAME: ..., SURGEON:
// R. HOLLOWAY.
var nameLabels = []string{"PATIENT NAME", "PATIENT", "PT", "NAME", "PCP", "ATTENDING", "SURGEON", "ASSISTANT", "ASSIST",
	"RESIDENT", "PROVIDER", "NURSE", "RN", "REFERRING MD", "REFERRING PHYSICIAN", "EMERGENCY CONTACT", "CONTACT", "NOK", "GUARDIAN"}

// findLabel finds a label (any case), an optional space, ':', an optional
// space and an optional title; the name follows.
func findLabel(text string) [][]int {
	var out [][]int
	asciiWords(text, func(s, e int) {
		for _, l := range nameLabels {
			if len(l) < e-s || !strings.EqualFold(l[:e-s], text[s:e]) || s+len(l) > len(text) || !strings.EqualFold(text[s:s+len(l)], l) {
				continue
			}
			i := s + len(l)
			if i < len(text) && text[i] == ' ' {
				i++
			}
			if i >= len(text) || text[i] != ':' {
				continue
			}
			i++
			if i < len(text) && text[i] == ' ' {
				i++
			}
			if m := reLabelTitle.FindStringIndex(text[i:]); m != nil {
				i += m[1]
			}
			out = append(out, []int{s, i})
			return
		}
	})
	return out
}

// reLabelTitle is a title after a label: PCP: DR. GRETA LINDQVIST.
var reLabelTitle = regexp.MustCompile(`^(?i:doctor |dr|mr|mrs|ms)\.? ?`)

// findPT finds "PT " or "PATIENT " (upper- or title-case) before a name.
func findPT(text string) [][]int {
	var out [][]int
	asciiWords(text, func(s, e int) {
		if e >= len(text) || text[e] != ' ' {
			return
		}
		switch text[s:e] {
		case "PT", "Pt", "PATIENT", "Patient":
			out = append(out, []int{s, e + 1})
		}
	})
	return out
}

// notNames are capitalised words that follow a title, label or relation
// word in notes but are not names (upper-case).
var notNames = wordSet(
	"AT", "ON", "IN", "TO", "OF", "BY", "FOR", "FROM", "WITH", "W/", "W", "AND", "OR", "THE", "A", "AN", "IS", "WAS", "ARE",
	"WERE", "BE", "BEEN", "HAS", "HAD", "HAVE", "WILL", "WOULD", "CAN", "COULD", "MAY", "SHOULD", "RE", "RE:", "PER", "VIA", "AS",
	"IF", "NO", "NOT", "NOW", "THEN", "ALSO", "HERE", "THERE", "PRESENT", "AGREES", "AGREE", "AWARE", "CALLED", "NOTIFIED",
	"PAGED", "UPDATED", "FOUND", "SEEN", "SAW", "SAYS", "SAID", "STATES", "STATED", "REPORTS", "REPORTED", "DENIES", "ASKS",
	"ASKED", "ASKING", "WANTS", "FEELS", "GIVEN", "MADE", "BEDSIDE", "OK", "PT", "PT'S", "PATIENT", "MD", "DO", "RN", "NP",
	"PA", "PA-C", "HOME", "TODAY", "TOMORROW", "YESTERDAY", "TONIGHT", "AM", "PM", "DAILY", "BID", "TID", "QID", "PRN", "STAT",
	"CALL", "TEAM", "ON-CALL", "OFFICE", "CLINIC", "HOSPITAL", "ER", "ED", "ICU", "OR", "UNIT", "FLOOR", "ROOM", "WHO", "WHICH",
	"THAT", "THIS", "HIS", "HER", "HIM", "SHE", "HE", "THEY", "THEM", "THEIR", "IT", "ITS", "ALL", "NONE", "PRESENTS",
	"PRESENTED", "ADMITTED", "DISCHARGED", "RESTING", "SLEEPING", "AWAKE", "ALERT", "STABLE", "REFUSED", "REFUSES",
	"TOLERATED", "AMBULATED", "INSTRUCTED", "EDUCATED", "IS", "HAS", "C/O", "S/P", "H/O", "HX", "PMH", "NKDA", "AFEBRILE",
	"ABLE", "UNABLE", "WELL", "NOTES", "NOTE", "VISIT", "RETURNED", "LEFT", "ARRIVED", "TRANSFERRED", "BROUGHT", "TAKEN",
	"SENT", "TOLD", "UNDERSTANDS", "VERBALIZES", "CONSENTED", "SIGNED", "MR", "MRS", "MS", "DR", "MISS", "JANUARY", "JAN",
	"FEBRUARY", "FEB", "MARCH", "MAR", "APR", "JUN", "JULY", "JUL", "AUG", "SEPTEMBER", "SEP",
	"SEPT", "OCTOBER", "OCT", "NOVEMBER", "NOV", "DECEMBER", "DEC", "UNKNOWN", "SAME", "OTHER", "SELF", "NAME", "NAMES",
	"INFORMED", "AVAILABLE", "CONTACTED", "CONTACT", "REACHED", "SPOKE", "VISITING", "VISITED", "DRIVES", "DRIVE", "LIVES",
	"STAYING", "WAITING", "REQUESTS", "REQUESTED", "PREFERS", "DECLINES", "DECLINED", "MEDS", "MEDICATIONS", "ORDERS",
	"CHECKS", "COMES", "GOES", "NEEDS", "GETS", "TAKES", "USES", "WORKS", "VISITS", "HELPS", "KNOWS", "THINKS", "WISHES",
	"CARES", "BRINGS", "HOLDS", "KEEPS", "MANAGES", "PROVIDES", "REMAINS", "RETURNS", "SEES", "TALKS", "WALKS", "WRITES",
	"FAXED", "EMAILED", "TEXTED", "PHONED", "AGAIN", "BACK", "ONLY", "VERY", "STILL", "JUST", "SOON", "LATER", "EARLIER",
	"DOCTOR", "PROFESSOR", "NURSE", "TOOK", "TAKE", "GOT", "GAVE", "GIVE", "WENT", "CAME", "ATE", "DRANK", "FELL", "FELT",
	"SLEPT", "KEPT", "SAT", "STOOD", "WOKE", "SPENT", "HELD", "RAN", "BEGAN", "BEGUN", "STARTED", "STOPPED", "RESTARTED",
	"CONTINUES", "CONTINUE", "STARTS", "STOPS", "DID", "DOES", "DOESN'T", "DIDN'T", "WON'T", "CAN'T",
	"RECEIVED", "RECEIVES", "GETTING", "TAKING", "OFF", "TRANSFER", "BLOOD", "GLUCOSE", "TEMP", "PAIN", "LABS", "VITALS",
	"EKG", "ECG", "INR", "HGB", "WBC", "URINE", "CULTURE", "FAMILY",
)

// nameToken reads one name token at text[i:]: an upper-case letter, then
// letters, apostrophes, or hyphens followed by an upper-case letter; a
// single letter followed by '.' is an initial. A word needs a vowel (HTN,
// CKD are abbreviations), no digit glued to it (DM2), and must not be in
// notNames or look like a verb form. It returns the token's end, whether
// it is an initial, and false if there is no name token.
func nameToken(text string, i int) (int, bool, bool) {
	r, n := utf8.DecodeRuneInString(text[i:])
	if i >= len(text) || !unicode.IsUpper(r) {
		return 0, false, false
	}
	j := i + n
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if unicode.IsLetter(r) || r == '\'' || r == '’' {
			j += n
			continue
		}
		if r == '-' && j+1 < len(text) {
			if r2, _ := utf8.DecodeRuneInString(text[j+1:]); unicode.IsUpper(r2) {
				j += n
				continue
			}
		}
		break
	}
	if j < len(text) && isDigit(text[j]) {
		return 0, false, false
	}
	if utf8.RuneCountInString(text[i:j]) == 1 {
		if j < len(text) && text[j] == '.' {
			return j + 1, true, true
		}
		return 0, false, false
	}
	w := strings.ToUpper(text[i:j])
	if notNames[w] || !strings.ContainsAny(w, "AEIOUYÄÖÜÉÈÁÍÓÚ") && isASCII(w) {
		return 0, false, false
	}
	const verbSuffixMin = 6 // CALLED, RESTING: past and progressive forms are not names
	if len(w) >= verbSuffixMin && (strings.HasSuffix(w, "ING") || strings.HasSuffix(w, "ED")) {
		return 0, false, false
	}
	return j, false, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// checkNameAfter returns a pattern check that reads minTokens to maxTokens
// name tokens, separated by single spaces, after the matched trigger, and
// reports them (trailing initial dots kept, a trailing sentence '.' not).
// A name of initials only is refused.
func checkNameAfter(minTokens, maxTokens int) func(string, int, int) (int, int, bool) {
	return func(text string, s, e int) (int, int, bool) {
		at, n, end, whole := e, 0, e, 0
		for n < maxTokens {
			j, initial, ok := nameToken(text, at)
			if !ok {
				break
			}
			n++
			end = j
			if !initial {
				whole++
			}
			if j < len(text) && text[j] == ' ' {
				at = j + 1
				continue
			}
			break
		}
		if n < minTokens || whole == 0 {
			return 0, 0, false
		}
		return e, end, true
	}
}
