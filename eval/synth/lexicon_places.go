package synth

// Cities outside gofakeit's US list, written for Obscura: capitals and large
// or regional cities on every continent, and smaller US towns.
var worldCities = words(`
Lagos Abuja Ibadan Accra Kumasi Nairobi Mombasa Kampala Kigali Addis_Ababa Dar_es_Salaam Lusaka Harare Johannesburg Durban Cape_Town Casablanca
Marrakesh Tunis Algiers Cairo Alexandria Khartoum Dakar Bamako Douala Kinshasa Luanda Maputo Windhoek Gaborone Antananarivo Amman Beirut Doha
Dubai Abu_Dhabi Riyadh Jeddah Muscat Tehran Isfahan Shiraz Baghdad Erbil Istanbul Ankara Izmir Tbilisi Yerevan Baku Almaty Tashkent Bishkek
Karachi Lahore Islamabad Dhaka Chittagong Kathmandu Colombo Mumbai Pune Delhi Bengaluru Chennai Hyderabad Kolkata Ahmedabad Jaipur Kochi Lucknow
Yangon Bangkok Chiang_Mai Hanoi Ho_Chi_Minh_City Da_Nang Phnom_Penh Vientiane Kuala_Lumpur Penang Singapore Jakarta Surabaya Bandung Manila Cebu
Davao Shanghai Beijing Shenzhen Guangzhou Chengdu Wuhan Hangzhou Xi'an Taipei Kaohsiung Hong_Kong Seoul Busan Incheon Tokyo Osaka Kyoto Sapporo
Fukuoka Ulaanbaatar Sydney Melbourne Brisbane Perth Adelaide Auckland Wellington Christchurch Suva Honolulu Anchorage Vancouver Calgary Edmonton
Winnipeg Toronto Ottawa Montréal Québec_City Halifax Monterrey Guadalajara Puebla Mexico_City Tijuana Guatemala_City San_Salvador Tegucigalpa
Managua San_José Panama_City Havana Santo_Domingo San_Juan Kingston Port-au-Prince Bogotá Medellín Cali Caracas Quito Guayaquil Lima Cusco
La_Paz Santiago Valparaíso Buenos_Aires Córdoba Rosario Montevideo Asunción São_Paulo Rio_de_Janeiro Belo_Horizonte Recife Salvador Porto_Alegre
Lisbon Porto Madrid Barcelona Valencia Seville Bilbao Paris Lyon Marseille Toulouse Lille Nantes Brussels Antwerp Amsterdam Rotterdam Utrecht
Luxembourg Zurich Geneva Basel Vienna Graz Munich Berlin Hamburg Frankfurt Cologne Stuttgart Leipzig Dresden Copenhagen Aarhus Oslo Bergen
Stockholm Gothenburg Malmö Helsinki Tampere Reykjavík Dublin Cork Galway Belfast Edinburgh Glasgow Aberdeen Cardiff Manchester Liverpool Leeds
Birmingham Bristol Newcastle Sheffield Nottingham London Rome Milan Naples Turin Florence Bologna Palermo Athens Thessaloniki Sofia Bucharest
Cluj-Napoca Belgrade Zagreb Ljubljana Sarajevo Skopje Tirana Budapest Bratislava Prague Brno Warsaw Kraków Gdańsk Wrocław Vilnius Riga Tallinn
Minsk Kyiv Lviv Odesa Kharkiv Chișinău Moscow Saint_Petersburg Kazan Novosibirsk Yekaterinburg
Bakersfield Fresno Modesto Stockton Eugene Boise Spokane Tacoma Reno Flagstaff Tucson Albuquerque Santa_Fe Amarillo Lubbock El_Paso Laredo
McAllen Corpus_Christi Waco Tulsa Wichita Topeka Lincoln Omaha Sioux_Falls Fargo Bismarck Duluth Rochester Des_Moines Cedar_Rapids Madison
Green_Bay Milwaukee Peoria Springfield Champaign Evansville Fort_Wayne Dayton Akron Toledo Erie Scranton Allentown Harrisburg Syracuse Buffalo
Albany Hartford New_Haven Providence Worcester Burlington Portland Bangor Manchester Concord Trenton Wilmington Dover Annapolis Richmond Norfolk
Roanoke Asheville Greensboro Durham Charleston Savannah Macon Augusta Tallahassee Gainesville Pensacola Tampa Sarasota Mobile Montgomery Huntsville
Chattanooga Knoxville Lexington Louisville Little_Rock Shreveport Baton_Rouge Lafayette Jackson Biloxi Cheyenne Billings Missoula Juneau Hilo
`)

// streetStems name streets ("Okafor" in "1420 Okafor Ave"): trees, natural
// features and common street names, written for Obscura. Family names are
// used as stems too.
var streetStems = words(`
Oak Maple Cedar Pine Elm Birch Willow Aspen Chestnut Magnolia Sycamore Juniper Cypress Hawthorn Poplar Spruce Laurel Alder Hickory Walnut
Lake River Ridge Hill Valley Meadow Prairie Canyon Harbor Bay Brook Spring Forest Park Garden Orchard Vineyard Sunset Sunrise Highland Lakeview
Riverside Hillcrest Fairview Glenwood Kingsway Queensway Mill Church School Station Market Bridge Union Liberty Franklin Jefferson Lincoln
Washington Madison Monroe Jackson Grant Sherman Cleveland Roosevelt Kennedy Main Broad High Front Water Commerce Industrial Academy College
University Pleasant Prospect Summit Center Central Colonial Heritage Pioneer Frontier Mission Rancho Alameda Paseo Calle_Real Via_Verde
Koskikatu Hauptstraße Rue_Saint-Denis Calle_Mayor Rua_Augusta Nowy_Świat Karl-Marx-Allee Nguyen_Hue Orchard_Road Kärntner
`)

// streetTypes follow a stem: a closed class shared by every split.
var streetTypes = []string{"St", "St.", "Street", "Ave", "Ave.", "Avenue", "Rd", "Road", "Blvd", "Boulevard", "Ln", "Lane", "Dr", "Drive", "Ct", "Court", "Way", "Pl", "Place", "Terrace", "Pkwy", "Cir", "Hwy"}

// streetUnits are unit designators: a closed class.
var streetUnits = []string{"Apt", "Apt.", "Unit", "Suite", "Ste", "#", "Fl", "Rm"}

// usStateAbbr are the USPS state codes: a closed class, shared by every
// split, labelled LOCATION.
var usStateAbbr = words(`AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC`)

// hospitalStems are the distinctive part of a care organisation's name,
// written for Obscura; cities and family names are used as stems too.
var hospitalStems = words(`
Mercy Providence Good_Samaritan Sacred_Heart Holy_Cross Saint_Luke's St._Mary's St._Joseph's St._Vincent's St._Elizabeth's St._Jude Hope Grace
Trinity Unity Harmony Bayview Lakeside Riverside Parkview Valley Mountain_View Northside Southside Eastside Westview Highland Meadowbrook Cedar_Ridge
Pine_Grove Oak_Hill Willow_Creek Maple_Grove Silver_Lake Crystal_Springs Evergreen Summit Pinnacle Horizon Beacon Compass Lighthouse Harbor
Northshore Southcoast Coastal Tri-County Lakeland Heartland Prairie Frontier Pioneer Keystone Cornerstone Landmark Heritage Legacy Liberty
Alder Birchwood Elmhurst Fairmont Glendale Hillside Kingsbrook Langford Marlow Norwood Oakmont Redwood Stonebridge Thornbury Wexford Yardley
`)

// careForms combine with a stem (%s) into a care organisation's name.
// They are shared by every split; the stems are split.
var careForms = []string{
	"%s General Hospital", "%s Medical Center", "%s Hospital", "%s Memorial Hospital", "%s Regional Medical Center",
	"%s Community Hospital", "%s University Hospital", "%s Health", "%s Health System", "%s Clinic",
	"%s Family Medicine", "%s Family Practice", "%s Internal Medicine", "%s Urgent Care", "%s Community Health Center",
	"%s Cardiology Associates", "%s Oncology Center", "%s Orthopedic Group", "%s Pediatrics", "%s Women's Health",
	"%s Rehabilitation Center", "%s Behavioral Health", "%s Dialysis Center", "%s Surgical Center", "%s Nursing and Rehab",
	"%s Skilled Nursing Facility", "%s Hospice", "%s Imaging", "%s Pharmacy", "%s Physical Therapy",
	"%s Children's Hospital", "%s Eye Institute", "%s Dermatology", "%s Endoscopy Center", "%s Sleep Center",
}

// companyStems and companyForms build company names in addition to
// gofakeit's list; written for Obscura (invented stems).
var companyStems = words(`
Northwind Bluepeak Brightline Clearwater Coppergate Crestview Darkwater Deepfield Eastgate Evermore Fieldstone Firstlight Foxglove Goldcrest
Granite Greenleaf Halcyon Ironbridge Ivystone Juniper Kestrel Lakemont Lumen Meridian Monarch Nimbus Northstar Oakline Orbital Palisade
Quantix Quillon Redfern Ridgeway Riverbend Sableton Silverline Skyforge Solace Starling Stonegate Sundial Tallgrass Tidewater Trailhead Truenorth
Umbra Vantage Verdant Westbrook Whitestone Wildrose Windmere Zephyr Arcadia Axion Boreal Calyx Cobalt Corvid Delphi Ember Fulcrum Helix Indigo
Keel Lattice Mosaic Nexa Onyx Parallax Prism Quasar Radiant Sentinel Tandem Tessera Vector Vireo Wavelength Xylem Yonder Zenith
`)

var companyForms = []string{
	"%s Inc.", "%s LLC", "%s Ltd", "%s Group", "%s Partners", "%s Logistics", "%s Analytics", "%s Capital", "%s Labs",
	"%s Systems", "%s Software", "%s Insurance", "%s Bank", "%s Holdings", "%s Consulting", "%s Energy", "%s Foods",
	"%s Manufacturing", "%s Technologies", "%s Realty", "%s Financial", "%s Media", "%s Pharmaceuticals", "%s Telecom",
}

// emailDomainsSplit are the domains of synthetic e-mail addresses: reserved
// example domains only.
var emailDomainsSplit = []string{"example.com", "example.org", "example.net", "mail.example.com", "corp.example", "health.example", "example.co.uk", "clinic.example"}
