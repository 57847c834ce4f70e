package synth

// Drug names, written for Obscura: generic (INN/USAN) names of common
// inpatient and outpatient drugs, and some brand names as notes write them.
// MEDICATION spans cover the drug name only. They are data, not advice.
var drugGeneric = words(`
metformin lisinopril atorvastatin amlodipine metoprolol omeprazole simvastatin losartan albuterol gabapentin hydrochlorothiazide sertraline
levothyroxine furosemide pantoprazole escitalopram rosuvastatin bupropion fluoxetine carvedilol tramadol prednisone trazodone pravastatin
warfarin apixaban rivaroxaban dabigatran clopidogrel ticagrelor aspirin insulin_glargine insulin_lispro insulin_aspart NPH_insulin montelukast
citalopram meloxicam tamsulosin duloxetine venlafaxine spironolactone allopurinol colchicine cyclobenzaprine glipizide glimepiride ondansetron
cetirizine loratadine diphenhydramine amoxicillin amoxicillin-clavulanate azithromycin doxycycline cephalexin ceftriaxone cefazolin ciprofloxacin
levofloxacin nitrofurantoin vancomycin piperacillin-tazobactam meropenem metronidazole clindamycin sulfamethoxazole-trimethoprim hydroxychloroquine
methotrexate sumatriptan propranolol diltiazem verapamil valsartan olmesartan hydralazine isosorbide_mononitrate nitroglycerin clonidine
clonazepam lorazepam alprazolam diazepam midazolam quetiapine olanzapine risperidone haloperidol aripiprazole lithium lamotrigine levetiracetam
topiramate valproate phenytoin carbamazepine oxycodone hydrocodone morphine hydromorphone fentanyl methadone buprenorphine naloxone acetaminophen
ibuprofen naproxen ketorolac celecoxib famotidine sucralfate sitagliptin empagliflozin dapagliflozin canagliflozin semaglutide liraglutide
dulaglutide tirzepatide pioglitazone budesonide fluticasone tiotropium ipratropium salmeterol digoxin amiodarone sotalol finasteride estradiol
medroxyprogesterone progesterone testosterone enoxaparin heparin fondaparinux alendronate calcitriol ergocalciferol cholecalciferol ferrous_sulfate
folic_acid cyanocobalamin thiamine magnesium_oxide potassium_chloride sodium_bicarbonate sevelamer tacrolimus mycophenolate cyclosporine
prednisolone methylprednisolone dexamethasone hydrocortisone oseltamivir acyclovir valacyclovir fluconazole nystatin terbinafine mupirocin
bacitracin lidocaine bupivacaine propofol ketamine rocuronium succinylcholine epinephrine norepinephrine vasopressin dobutamine dopamine
atropine adenosine labetalol esmolol nicardipine mirtazapine paroxetine nortriptyline amitriptyline buspirone hydroxyzine zolpidem melatonin
donepezil memantine carbidopa-levodopa pramipexole ropinirole baclofen tizanidine methocarbamol oxybutynin tolterodine mirabegron sildenafil
tadalafil latanoprost timolol brimonidine adalimumab etanercept infliximab rituximab pembrolizumab nivolumab trastuzumab tamoxifen letrozole
anastrozole bicalutamide leuprolide imatinib capecitabine docusate senna polyethylene_glycol bisacodyl lactulose loperamide metoclopramide
prochlorperazine promethazine meclizine scopolamine rifaximin ursodiol mesalamine infliximab-dyyb ezetimibe fenofibrate gemfibrozil niacin
chlorthalidone torsemide bumetanide metolazone eplerenone sacubitril-valsartan ivabradine ranolazine cilostazol pentoxifylline
benazepril enalapril ramipril quinapril irbesartan telmisartan candesartan nebivolol atenolol bisoprolol nadolol nifedipine felodipine
prazosin doxazosin terazosin minoxidil dofetilide flecainide propafenone dronedarone edoxaban prasugrel alteplase tenecteplase
glyburide repaglinide acarbose linagliptin saxagliptin alogliptin ertugliflozin pramlintide insulin_detemir insulin_degludec regular_insulin
methimazole propylthiouracil liothyronine desmopressin cabergoline bromocriptine octreotide somatropin raloxifene denosumab zoledronic_acid
teriparatide ibandronate risedronate febuxostat probenecid sulfasalazine leflunomide azathioprine tofacitinib baricitinib upadacitinib
secukinumab ustekinumab dupilumab omalizumab mepolizumab benralizumab roflumilast theophylline umeclidinium formoterol arformoterol
levalbuterol beclomethasone mometasone ciclesonide azelastine olopatadine fexofenadine desloratadine pseudoephedrine guaifenesin
dextromethorphan benzonatate codeine oxymorphone tapentadol pregabalin duloxetine-DR milnacipran desvenlafaxine vortioxetine vilazodone
trazodone-ER nefazodone phenelzine tranylcypromine clomipramine imipramine doxepin lurasidone ziprasidone paliperidone clozapine
brexpiprazole cariprazine lisdexamfetamine methylphenidate atomoxetine guanfacine dexmethylphenidate modafinil armodafinil varenicline
naltrexone acamprosate disulfiram oxcarbazepine lacosamide zonisamide clobazam phenobarbital primidone rizatriptan eletriptan
topiramate-ER erenumab galcanezumab rimegepant ubrogepant amantadine rasagiline selegiline entacapone benztropine trihexyphenidyl
rivastigmine galantamine riluzole dalfampridine interferon_beta ocrelizumab natalizumab fingolimod dimethyl_fumarate teriflunomide
cefdinir cefuroxime cefepime ceftazidime aztreonam ertapenem imipenem linezolid daptomycin tigecycline gentamicin tobramycin amikacin
rifampin isoniazid ethambutol pyrazinamide bedaquiline dolutegravir bictegravir emtricitabine tenofovir efavirenz raltegravir darunavir
ritonavir nirmatrelvir remdesivir sofosbuvir ledipasvir entecavir ribavirin ivermectin albendazole praziquantel voriconazole
posaconazole itraconazole micafungin amphotericin_B clotrimazole ketoconazole permethrin tretinoin isotretinoin clobetasol triamcinolone
`)

var drugBrand = words(`
Lipitor Zocor Crestor Norvasc Toprol Lopressor Coreg Zestril Cozaar Diovan Lasix Eliquis Xarelto Coumadin Plavix Brilinta Lantus Humalog
Novolog Levemir Tresiba Januvia Jardiance Farxiga Ozempic Wegovy Mounjaro Trulicity Victoza Glucophage Synthroid Zoloft Lexapro Prozac Wellbutrin
Cymbalta Effexor Seroquel Abilify Zyprexa Risperdal Lamictal Keppra Topamax Depakote Neurontin Lyrica Ultram Norco Percocet Dilaudid Suboxone
Narcan Tylenol Advil Motrin Aleve Toradol Celebrex Pepcid Protonix Prilosec Nexium Zofran Reglan Flonase Singulair Spiriva Advair Symbicort
ProAir Ventolin Xanax Ativan Klonopin Valium Ambien Flomax Proscar Lovenox Augmentin Zithromax Keflex Cipro Levaquin Bactrim Macrobid Flagyl
Vancocin Zosyn Tamiflu Valtrex Diflucan Humira Enbrel Remicade Keytruda Opdivo Herceptin Entresto Lanoxin Pacerone Aldactone Zyloprim
`)

// Dose strengths: a number and a unit. DOSAGE spans cover the strength and,
// when they follow it directly, the route and frequency ("500 mg PO BID").
var (
	doseNumbers = []string{"0.1", "0.25", "0.5", "1", "1.25", "2", "2.5", "3", "4", "5", "6.25", "7.5", "8", "10", "12", "12.5", "15", "17", "20",
		"24", "25", "30", "32", "37.5", "40", "45", "50", "60", "75", "80", "81", "88", "100", "112", "120", "125", "150", "160", "175", "200",
		"220", "240", "250", "300", "325", "400", "450", "500", "600", "625", "650", "750", "800", "850", "875", "900", "1000", "1200", "1500", "2000"}
	doseCounts = []string{"1", "2", "1-2", "one", "two", "half a", "1/2"}
	doseForms  = []string{"tab", "tabs", "tablet", "tablets", "cap", "caps", "capsule", "puff", "puffs", "drop", "drops", "patch", "spray", "sprays", "vial", "ampule"}
	doseRoutes = []string{"PO", "po", "IV", "IVP", "IM", "SQ", "SC", "subcut", "SL", "PR", "NG", "per tube", "by mouth", "intravenously", "inhaled", "nebulized", "topically", "transdermal", "ophthalmic", "intranasal"}
	doseFreqs  = []string{"daily", "once daily", "twice daily", "three times daily", "four times daily", "BID", "TID", "QID", "QD", "qd", "bid", "tid",
		"q4h", "q6h", "q8h", "q12h", "q4-6h PRN", "QHS", "qhs", "at bedtime", "every morning", "every evening", "with meals", "AC", "PRN", "prn",
		"as needed", "weekly", "every other day", "QOD", "STAT", "x1", "once", "q2h PRN", "BID with food", "nightly", "every 6 hours as needed"}
)

// doseClass is the strengths and units a drug is usually written with.
type doseClass struct {
	name    string
	numbers []string
	units   []string
}

var (
	mgClass    = doseClass{"mg", doseNumbers, []string{"mg", "mg", "mg", "mg", "mg", "mg", "mg", "mg", "mg", "mg", "MG", "mgs", "mg/kg", "milligrams"}}
	unitsClass = doseClass{"units", []string{"2", "4", "5", "6", "8", "10", "12", "14", "15", "18", "20", "22", "24", "25", "30", "35", "40", "50", "1000", "5000"}, []string{"units", "units", "unit", "U", "units/hr"}}
	mcgClass   = doseClass{"mcg", []string{"12", "25", "50", "75", "88", "100", "112", "125", "137", "150", "175", "200", "250"}, []string{"mcg", "mcg", "mcg/hr", "micrograms", "MCG"}}
	gClass     = doseClass{"g", []string{"1", "1.5", "2", "3.375", "4.5", "17"}, []string{"g", "g", "gm", "grams"}}
	mEqClass   = doseClass{"mEq", []string{"10", "20", "40", "50"}, []string{"mEq", "MEQ"}}
	mLClass    = doseClass{"mL", []string{"5", "10", "15", "20", "30"}, []string{"mL", "ml", "cc"}}
)

// doseClasses gives the drugs not dosed in milligrams their usual unit;
// keys are lower case.
var doseClasses = map[string]doseClass{
	"insulin glargine": unitsClass, "insulin lispro": unitsClass, "insulin aspart": unitsClass, "nph insulin": unitsClass, "insulin detemir": unitsClass, "insulin degludec": unitsClass, "regular insulin": unitsClass,
	"heparin": unitsClass, "lantus": unitsClass, "humalog": unitsClass, "novolog": unitsClass, "levemir": unitsClass, "tresiba": unitsClass,
	"levothyroxine": mcgClass, "synthroid": mcgClass, "fentanyl": mcgClass, "fluticasone": mcgClass, "flonase": mcgClass,
	"cyanocobalamin": mcgClass, "tiotropium": mcgClass, "spiriva": mcgClass, "ipratropium": mcgClass, "budesonide": mcgClass,
	"salmeterol": mcgClass, "calcitriol": mcgClass,
	"vancomycin": gClass, "ceftriaxone": gClass, "cefazolin": gClass, "meropenem": gClass, "piperacillin-tazobactam": gClass,
	"zosyn": gClass, "vancocin": gClass, "polyethylene glycol": gClass,
	"potassium chloride": mEqClass, "sodium bicarbonate": mEqClass,
	"lactulose": mLClass,
}

// Conditions as clinicians and patients write them, with the abbreviations
// notes use; written for Obscura. CONDITION spans cover the condition name,
// symptoms included ("chest pain"), not the verbs around it.
var conditionNames = words(`
hypertension hyperlipidemia dyslipidemia type_2_diabetes type_2_diabetes_mellitus type_1_diabetes diabetes_mellitus prediabetes obesity
morbid_obesity asthma chronic_obstructive_pulmonary_disease emphysema chronic_bronchitis atrial_fibrillation atrial_flutter
congestive_heart_failure heart_failure_with_reduced_ejection_fraction coronary_artery_disease myocardial_infarction unstable_angina stable_angina
peripheral_artery_disease aortic_stenosis mitral_regurgitation cardiomyopathy pericarditis endocarditis major_depressive_disorder depression
generalized_anxiety_disorder anxiety panic_disorder bipolar_disorder schizophrenia schizoaffective_disorder post-traumatic_stress_disorder
attention_deficit_hyperactivity_disorder autism_spectrum_disorder insomnia hypothyroidism hyperthyroidism Hashimoto's_thyroiditis Graves'_disease
osteoarthritis rheumatoid_arthritis psoriatic_arthritis gout pseudogout osteoporosis osteopenia fibromyalgia lupus systemic_lupus_erythematosus
migraine tension_headache epilepsy seizure_disorder Parkinson's_disease Alzheimer's_disease dementia multiple_sclerosis peripheral_neuropathy
diabetic_neuropathy stroke ischemic_stroke transient_ischemic_attack subarachnoid_hemorrhage chronic_kidney_disease end-stage_renal_disease
acute_kidney_injury nephrolithiasis kidney_stones urinary_tract_infection pyelonephritis urinary_retention benign_prostatic_hyperplasia
gastroesophageal_reflux_disease peptic_ulcer_disease gastritis irritable_bowel_syndrome Crohn's_disease ulcerative_colitis diverticulitis
cholecystitis cholelithiasis pancreatitis appendicitis cirrhosis hepatitis_B hepatitis_C fatty_liver_disease small_bowel_obstruction
GI_bleed constipation diarrhea nausea pneumonia community-acquired_pneumonia aspiration_pneumonia acute_bronchitis influenza COVID-19
pulmonary_embolism deep_vein_thrombosis pleural_effusion obstructive_sleep_apnea pulmonary_fibrosis sepsis septic_shock bacteremia cellulitis
abscess osteomyelitis Lyme_disease HIV HIV_infection tuberculosis iron_deficiency_anemia anemia sickle_cell_disease thrombocytopenia
breast_cancer prostate_cancer colon_cancer lung_cancer pancreatic_cancer ovarian_cancer melanoma lymphoma leukemia multiple_myeloma
glaucoma cataract macular_degeneration diabetic_retinopathy otitis_media sinusitis pharyngitis strep_throat allergic_rhinitis eczema
atopic_dermatitis psoriasis acne shingles chest_pain shortness_of_breath abdominal_pain low_back_pain back_pain headache dizziness syncope
palpitations fever cough fatigue weight_loss edema leg_swelling altered_mental_status delirium hip_fracture alcohol_use_disorder
opioid_use_disorder tobacco_use anorexia_nervosa hyperkalemia hypokalemia hyponatremia hypoglycemia hyperglycemia diabetic_ketoacidosis
dehydration pressure_ulcer plantar_fasciitis carpal_tunnel_syndrome rotator_cuff_tear
hypertensive_urgency hypertensive_emergency orthostatic_hypotension bradycardia tachycardia supraventricular_tachycardia ventricular_tachycardia
heart_block long_QT_syndrome aortic_aneurysm aortic_dissection carotid_stenosis varicose_veins venous_insufficiency lymphedema Raynaud's_phenomenon
interstitial_lung_disease sarcoidosis pneumothorax bronchiectasis cystic_fibrosis pulmonary_hypertension respiratory_failure hypoxia hypercapnia
croup bronchiolitis RSV_infection pertussis mononucleosis cytomegalovirus_infection herpes_zoster herpes_simplex candidiasis thrush scabies
impetigo MRSA_infection C._difficile_colitis gastroenteritis food_poisoning celiac_disease lactose_intolerance hiatal_hernia esophagitis
Barrett's_esophagus achalasia gastroparesis hemorrhoids anal_fissure inguinal_hernia umbilical_hernia biliary_colic choledocholithiasis
hepatic_encephalopathy ascites portal_hypertension hemochromatosis Wilson's_disease polycystic_kidney_disease nephrotic_syndrome glomerulonephritis
interstitial_cystitis overactive_bladder urinary_incontinence erectile_dysfunction prostatitis testicular_torsion endometriosis polycystic_ovary_syndrome
uterine_fibroids preeclampsia gestational_diabetes hyperemesis_gravidarum postpartum_depression menorrhagia menopause infertility
Addison's_disease Cushing's_syndrome hyperparathyroidism hypoparathyroidism adrenal_insufficiency diabetes_insipidus pituitary_adenoma
thyroid_nodule goiter metabolic_syndrome vitamin_D_deficiency B12_deficiency hypomagnesemia hypercalcemia hyperuricemia
trigeminal_neuralgia Bell's_palsy myasthenia_gravis Guillain-Barré_syndrome restless_legs_syndrome essential_tremor narcolepsy
cluster_headache concussion traumatic_brain_injury spinal_stenosis sciatica cervical_radiculopathy degenerative_disc_disease scoliosis
ankylosing_spondylitis polymyalgia_rheumatica giant_cell_arteritis vasculitis scleroderma Sjögren's_syndrome bursitis tendinitis
osteonecrosis compartment_syndrome ankle_sprain wrist_fracture vertebral_compression_fracture obsessive-compulsive_disorder
social_anxiety_disorder borderline_personality_disorder bulimia_nervosa binge_eating_disorder suicidal_ideation psychosis catatonia
conjunctivitis uveitis retinal_detachment dry_eye_syndrome tinnitus hearing_loss vertigo Meniere's_disease epistaxis tonsillitis
peritonsillar_abscess dental_abscess TMJ_disorder urticaria angioedema anaphylaxis contact_dermatitis rosacea hidradenitis_suppurativa
basal_cell_carcinoma squamous_cell_carcinoma bladder_cancer kidney_cancer thyroid_cancer cervical_cancer endometrial_cancer gastric_cancer
esophageal_cancer liver_cancer brain_tumor glioblastoma myelodysplastic_syndrome polycythemia_vera hemophilia von_Willebrand_disease
neutropenia pancytopenia hypercoagulable_state heparin-induced_thrombocytopenia chronic_pain failure_to_thrive malnutrition cachexia
`)

var conditionAbbrevs = words(`
HTN HLD T2DM T1DM DM2 DM IDDM NIDDM CHF HFrEF HFpEF CAD MI NSTEMI STEMI AFib A-fib AF PAD COPD OSA CKD ESRD AKI UTI GERD PUD IBS IBD BPH PVD ASHD DJD LBP N/V HA SVT VT PAH ILD RSV MRSA CDI GI_bleed UGIB LGIB SAH SDH ICH TBI OCD BPD SI PPD PCOS GDM HLD
DVT PE CVA TIA PNA CAP MDD GAD PTSD ADHD OA RA SLE RLS HCV HBV SBO DKA AMS BPPV URI CHB MS ALS CLL AML NASH HFmrEF T2D ETOH_abuse SOB CP
`)

// Job titles and clinical roles, written for Obscura, beside gofakeit's job
// titles. TITLE spans cover the job title; honorifics ("Dr.", "Mr.") are
// TITLE spans of their own before the PERSON, as presidio-synth labels them.
var jobTitles = words(`
charge_nurse nurse_practitioner registered_nurse nurse_manager attending_physician hospitalist resident intern fellow case_manager social_worker
physical_therapist occupational_therapist speech_therapist respiratory_therapist pharmacist clinical_pharmacist dietitian medical_assistant
phlebotomist radiology_technician unit_clerk care_coordinator patient_navigator chaplain surgeon anesthesiologist cardiologist nephrologist
oncologist neurologist psychiatrist psychologist pediatrician obstetrician dermatologist endocrinologist gastroenterologist pulmonologist
Account_Executive Account_Manager Accounts_Payable_Clerk Benefits_Coordinator Billing_Specialist Business_Analyst Chief_Executive_Officer
Chief_Financial_Officer Chief_Operating_Officer Chief_Technology_Officer Compliance_Officer Controller Customer_Success_Manager Data_Engineer
Data_Scientist Director_of_Operations Director_of_Finance Engineering_Manager Executive_Assistant Facilities_Manager General_Counsel
HR_Business_Partner HR_Generalist Head_of_Sales IT_Administrator Legal_Counsel Marketing_Manager Office_Manager Operations_Analyst
Paralegal Payroll_Specialist Procurement_Lead Product_Manager Program_Manager Project_Manager Recruiter Regional_Manager Sales_Director
Security_Engineer Senior_Accountant Software_Engineer Solutions_Architect Support_Engineer Store_Manager Talent_Acquisition_Lead Treasurer
VP_of_Sales VP_of_Engineering VP_of_Marketing Warehouse_Supervisor claims_adjuster underwriter loan_officer branch_manager teller
`)

// credentials follow a clinician's name ("Okafor, RN") and are labelled
// TITLE; a closed class shared by every split.
var credentials = []string{"MD", "DO", "RN", "NP", "PA-C", "APRN", "LPN", "CNA", "PharmD", "DPT", "LCSW", "MSN", "BSN", "FNP-C", "PhD"}
