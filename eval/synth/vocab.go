package synth

// The vocabularies below were written for Obscura. Medications are generic
// (INN) names of common outpatient drugs; conditions are lay and clinical
// names of common diagnoses. They are data, not advice.

var medications = []string{
	"metformin", "lisinopril", "atorvastatin", "amlodipine", "metoprolol",
	"omeprazole", "simvastatin", "losartan", "albuterol", "gabapentin",
	"hydrochlorothiazide", "sertraline", "levothyroxine", "furosemide",
	"pantoprazole", "escitalopram", "rosuvastatin", "bupropion", "fluoxetine",
	"carvedilol", "tramadol", "prednisone", "trazodone", "pravastatin",
	"warfarin", "apixaban", "rivaroxaban", "clopidogrel", "insulin glargine",
	"insulin lispro", "montelukast", "citalopram", "meloxicam", "tamsulosin",
	"duloxetine", "venlafaxine", "spironolactone", "allopurinol", "cyclobenzaprine",
	"glipizide", "ondansetron", "cetirizine", "loratadine", "amoxicillin",
	"azithromycin", "doxycycline", "cephalexin", "ciprofloxacin", "nitrofurantoin",
	"hydroxychloroquine", "methotrexate", "sumatriptan", "propranolol",
	"diltiazem", "valsartan", "clonazepam", "lorazepam", "alprazolam",
	"quetiapine", "aripiprazole", "lamotrigine", "levetiracetam", "topiramate",
	"oxycodone", "acetaminophen", "ibuprofen", "naproxen", "famotidine",
	"sitagliptin", "empagliflozin", "dapagliflozin", "semaglutide",
	"liraglutide", "budesonide", "fluticasone", "tiotropium", "digoxin",
	"amiodarone", "finasteride", "estradiol", "medroxyprogesterone",
}

var conditions = []string{
	"type 2 diabetes", "hypertension", "hyperlipidemia", "asthma",
	"chronic obstructive pulmonary disease", "COPD", "atrial fibrillation",
	"congestive heart failure", "coronary artery disease", "major depressive disorder",
	"generalized anxiety disorder", "hypothyroidism", "hyperthyroidism",
	"osteoarthritis", "rheumatoid arthritis", "gout", "migraine",
	"chronic kidney disease", "gastroesophageal reflux disease", "GERD",
	"peptic ulcer disease", "irritable bowel syndrome", "Crohn's disease",
	"ulcerative colitis", "pneumonia", "acute bronchitis", "urinary tract infection",
	"cellulitis", "sepsis", "iron deficiency anemia", "obstructive sleep apnea",
	"epilepsy", "Parkinson's disease", "Alzheimer's disease", "multiple sclerosis",
	"bipolar disorder", "schizophrenia", "post-traumatic stress disorder",
	"attention deficit hyperactivity disorder", "psoriasis", "atopic dermatitis",
	"lupus", "osteoporosis", "deep vein thrombosis", "pulmonary embolism",
	"chest pain", "shortness of breath", "acute kidney injury", "hepatitis C",
	"HIV infection", "cirrhosis", "pancreatitis", "cholecystitis", "appendicitis",
	"benign prostatic hyperplasia", "breast cancer", "prostate cancer",
	"colon cancer", "lung cancer", "melanoma", "stroke", "transient ischemic attack",
	"peripheral neuropathy", "low back pain", "plantar fasciitis", "glaucoma",
	"cataract", "macular degeneration", "otitis media", "sinusitis",
	"influenza", "COVID-19", "Lyme disease", "anorexia nervosa", "alcohol use disorder",
}

// doseAmounts and doseUnits combine into DOSAGE values such as "20 mg" or
// "500 mg twice daily".
var doseAmounts = []string{"0.5", "1", "2", "2.5", "5", "10", "12.5", "20", "25", "40", "50", "75", "81", "100", "150", "200", "250", "300", "325", "400", "500", "600", "750", "850", "1000"}

var doseUnits = []string{"mg", "mg", "mg", "mcg", "g", "mL", "units", "mg/mL"}

var doseFrequencies = []string{
	"", "", "daily", "once daily", "twice daily", "BID", "TID", "q8h", "q12h",
	"at bedtime", "every morning", "as needed", "PRN", "three times a day",
}

// hospitalForms build clinical ORGANIZATION names; %s is a city or surname.
var hospitalForms = []string{
	"%s General Hospital", "%s Medical Center", "St. %s Hospital",
	"%s Regional Health", "%s Community Clinic", "%s Family Practice",
	"%s University Hospital", "%s Cardiology Associates", "%s Memorial Hospital",
	"%s Pediatrics", "%s Orthopedic Group",
}

// emailDomains are reserved-style domains for synthetic addresses.
var emailDomains = []string{"example.com", "example.org", "example.net", "mail.example.com", "corp.example", "health.example"}

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

var monthAbbr = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
