package synth

import "strings"

// words splits a whitespace-separated list; "_" inside an entry stands for a
// space ("de_la_Cruz" → "de la Cruz").
func words(s string) []string {
	f := strings.Fields(s)
	for i, w := range f {
		f[i] = strings.ReplaceAll(w, "_", " ")
	}
	return f
}

// Given names from many naming traditions, written for Obscura (see
// PROVENANCE). They complement gofakeit's mostly English-language list. The
// sex of a given name is not modelled: honorifics are chosen independently.
var givenNames = words(`
Aaliyah Abdullahi Abebe Abena Abhishek Adaeze Adebayo Adewale Aditi Adriana Afua Agnieszka Ahmad Ahmed Aiko Aisha Ajay Akua Alejandro Aleksandr
Aleksandra Alessandro Alexei Alibek Alicja Amadou Amani Amara Amina Amir Amit Ananya Anastasia Andrés Anh Anil Anjali Anna-Lena Antoine Anwar
Arash Arjun Asif Astrid Aurélie Ayesha Aylin Ayodele Babajide Bao Barış Beatriz Bich Bogdan Bongani Bushra Camila Carmen Catalina Chen Chiamaka
Chidi Chinedu Chioma Chiara Chinonso Cristina Daiki Dalia Darius Dawit Deepak Dilnoza Dimitri Divya Dong-hyun Duc Dumisani Ebere Efua Ekaterina Elif
Emeka Emre Enrique Esperanza Esra Eun-ji Fadumo Farah Farhan Fatima Fatoumata Fernanda Fernando Florin Francesca Fumiko Gabriela Ganesh Giorgos Giulia
Gonzalo Guadalupe Gulnara Gustavo Habib Hae-won Hamza Hana Haruto Hassan Hiroshi Hoang Hung Ibrahim Ifeoma Ikechukwu Ilse Imani Inés Ingrid Ioana
Irina Isabela Ivan Jae-won Jamal Javier Jia Jia-hui Jin Jiwoo Joaquín João Jorge Juan Jun Kaveh Kavya Kayode Kemal Kenji Khadija Kiran
Kofi Kwabena Kwame Lakshmi Lars Layla Leila Lena Li Ling Lucía Luis Mahmoud Malak Malik Manuel Mariam Mariana María Marisol Mateo Mehmet
Mei Mihai Milan Min-jun Minh Mohammed Mona Mthunzi Mustafa Nadia Naledi Nam Naveen Ngozi Nia Nikhil Nikolai Nilufar Nkechi Nnamdi Noor Nurul
Obinna Ogechi Oksana Olamide Oleksandr Olga Oluwaseun Omar Omari Ousmane Pablo Parisa Pedro Pham Pooja Prakash Priya Qiang Quang Rahul Rajesh Ramón
Rana Rashid Ravi Reza Rin Rodrigo Rohan Rosa Ruslan Sakura Salma Samira Sandeep Sanjay Santiago Saoirse Sergei Seung-woo Shanice Shirin Shreya Siddharth
Sipho Siobhán Sofía Soo-ah Sunil Svetlana Tadesse Takeshi Tamar Tanvir Tariq Tatiana Temitope Thabo Thandiwe Lan Thu Tiago Tomasz Thanh Tuan
Uchenna Umar Valentina Vikram Ximena Yaw Yasmin Yerlan Yetunde Yiannis Ying Yosef Yuki Yusuf Zainab Zanele Zeynep Wei Zhiwei Zoltán Zoë
Álvaro Łukasz Søren Björn Guðrún Øystein Mārtiņš Dagny Eamon Niamh Ciarán Declan Bronwyn Rhys Tane Aroha Keanu Leilani Kalani Makana
`)

// familyNames from many naming traditions, written for Obscura.
var familyNames = words(`
Abara Abdi Abebe Acheampong Adeyemi Agarwal Aguilar Ahmadi Akhtar Akinola Alvarado Amoah Anand Andersson Antonopoulos Appiah Arslan Asante Ashkenazi
Babatunde Bakr Balogun Banerjee Barbosa Bashir Bauer Bekele Bello Ben-David Bhatt Bianchi Bondarenko Boateng Borges Bui Castellanos Castillo Cavalcanti
Chakraborty Chaudhry Chen Cho Choi Chukwu Ciobanu Colombo Contreras Costa Cruz Dang Das Demir Desai Diallo Dimitrov Dlamini Do Doğan Domínguez Dubois
Dvořák Eze Ezeh Fagerlund Farouk Fernandes Ferrari Fischer Fofana Fujimoto Gallo Gao Garza Ghosh Gomes Gonçalves Guerrero Gupta Gutiérrez Haddad
Halvorsen Hamdan Hashemi He Hoang Hosseini Huang Ibrahim Idowu Iglesias Ishikawa Iyer Jaramillo Jankowski Jiang Joshi Kamau Kaplan Kapoor Karimi Katz
Kaya Khalil Khan Kim Kimura Kiplagat Kowalczyk Kowalski Kozlov Krishnan Kumar Kuznetsov Kwon Lam Le Lee Leclerc Lindqvist Liu Lombardi Lopes Ly
Mahlangu Majumdar Malik Mansour Marchetti Martins Matsumoto Mbeki Mehta Mendoza Menon Mensah Mirza Mishra Molina Moreau Morales Moreno Moyo Murphy
Mwangi Nair Nakamura Nascimento Ndlovu Nguyen Nikolaidis Njoroge Nkosi Novák Novak Nowak Nwachukwu Nwosu Obi Odhiambo Ogunleye Ogunbanjo Okafor Okeke
Okonkwo Olawale Oliveira Omondi Onyango Orlov Ortega Osei Otieno Owusu Özdemir Papadopoulos Park Patel Pereira Petrov Pham Phiri Pillai Popescu Popov
Quispe Rahman Rahimi Ramírez Rao Rashid Reddy Reyes Rezaei Ribeiro Rinaldi Rodrigues Romano Rossi Saavedra Sadeghi Saito Salazar Salehi Santos Sato
Schmidt Schneider Sepúlveda Shah Sharma Shevchenko Silva Singh Sithole Sokolov Song Sousa Subramanian Suleiman Sun Suzuki Takahashi Tanaka Tesfaye
Tkachenko Tran Trinh Tshabalala Türk Usman Vargas Vasquez Venkatesan Verma Vu Wagner Wang Watanabe Weber Wiśniewski Wu Xu Yadav Yamamoto Yang
Yilmaz Yıldız Yoon Yusuf Zapata Zhang Zhao Zhou Zielinski O'Brien O'Connor O'Sullivan McCarthy MacDonald Fitzgerald Gallagher Kavanagh Nakashima
de_la_Cruz de_Souza van_der_Berg van_Dijk da_Silva dos_Santos del_Rosario Al-Amin Al-Farsi El-Sayed Abu-Bakr St._Clair Mac_Giolla Kealoha Ngata
Walker Thompson Robinson Hughes Bennett Foster Harrington Whitfield Pemberton Ashworth Caldwell Donnelly Fairbanks Holloway Kingsley Lockhart
`)

// middleInitials are the letters used for middle initials ("J.").
const middleInitials = "ABCDEFGHIJKLMNOPRSTVWY"

// nameSuffixes follow a family name ("Okafor Jr."). A closed class, shared by
// every split.
var nameSuffixes = []string{"Jr.", "Sr.", "II", "III", "IV"}

// Honorifics written before a name, a closed class shared by every split;
// presidio-synth labels them TITLE, apart from the PERSON that follows.
var (
	honorificsFemale = []string{"Ms.", "Mrs.", "Miss", "Ms", "Mrs"}
	honorificsMale   = []string{"Mr.", "Mr"}
	honorificsAny    = []string{"Mx.", "Prof."}
	doctorTitles     = []string{"Dr.", "Dr.", "Dr.", "Dr", "Doctor"}
)

// nationalities are adjectives and demonyms of nationalities, peoples and
// religious groups, written for Obscura. They are labelled MISC, as
// CoNLL-2003 tags "German" and as eval maps presidio-synth's NRP.
var nationalities = words(`
American Argentinian Armenian Australian Austrian Bangladeshi Belgian Bolivian Brazilian British Bulgarian Cambodian Cameroonian Canadian
Chilean Chinese Colombian Congolese Croatian Cuban Czech Danish Dominican Dutch Ecuadorian Egyptian Eritrean Estonian Ethiopian Filipino
Finnish French Georgian German Ghanaian Greek Guatemalan Haitian Honduran Hungarian Icelandic Indian Indonesian Iranian Iraqi Irish Israeli
Italian Jamaican Japanese Jordanian Kazakh Kenyan Korean Kurdish Lebanese Lithuanian Malaysian Mexican Moroccan Nepali Nigerian Norwegian
Pakistani Palestinian Peruvian Polish Portuguese Puerto_Rican Romanian Russian Salvadoran Samoan Saudi Scottish Senegalese Serbian Slovak
Slovenian Somali South_African Spanish Sri_Lankan Sudanese Swedish Swiss Syrian Taiwanese Thai Tongan Turkish Ugandan Ukrainian Uruguayan
Venezuelan Vietnamese Welsh Yemeni Zimbabwean Catholic Protestant Muslim Jewish Hindu Buddhist Sikh Mormon Orthodox Baptist Methodist Lutheran
Democrat Republican Latino Hispanic Asian-American African-American Navajo Cherokee Maori Inuit Yoruba Igbo Hmong Tamil Punjabi Bengali
`)
