package demo

import "strings"

// Names are drawn from pools by heritage so that a force whose workforce is
// recorded as 91% white does not read like a random cross-section of the
// world, and so that the public who complain look like a city's public. The
// pools are deliberately broad within each group; any name can appear with
// any recorded ethnicity through the "mixed" and unrecorded cases.
type namePool struct {
	female, male, family []string
}

var (
	britishNames = namePool{
		female: []string{"Sarah", "Emma", "Laura", "Rebecca", "Claire", "Hannah", "Jessica", "Charlotte", "Amy",
			"Lucy", "Katie", "Sophie", "Rachel", "Gemma", "Nicola", "Kelly", "Joanne", "Helen", "Victoria", "Zoe",
			"Megan", "Abigail", "Natalie", "Chloe", "Holly", "Leanne", "Kirsty", "Jennifer", "Lisa", "Donna",
			"Michelle", "Samantha", "Stephanie", "Eleanor", "Harriet", "Bethany", "Lauren", "Jade", "Ellie",
			"Georgia", "Alison", "Carol", "Deborah", "Fiona", "Tracey", "Louise", "Ruth", "Imogen", "Phoebe"},
		male: []string{"James", "David", "Daniel", "Thomas", "Matthew", "Christopher", "Andrew", "Michael", "Paul",
			"Mark", "Richard", "Robert", "Stephen", "Craig", "Lee", "Neil", "Simon", "Jonathan", "Adam", "Ben",
			"Luke", "Samuel", "Ryan", "Jack", "Liam", "Connor", "Callum", "Jamie", "Scott", "Dean", "Gary",
			"Kevin", "Martin", "Ian", "Stuart", "Alexander", "Oliver", "Harry", "George", "Joe", "Nathan",
			"Philip", "Anthony", "Graham", "Keith", "Darren", "Wayne", "Edward", "Toby", "William"},
		family: []string{"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
			"Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green",
			"Hall", "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
			"Morris", "Moore", "Clark", "King", "Baker", "Harrison", "Allen", "James", "Scott", "Phillips",
			"Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Cook", "Carter",
			"Richardson", "Bailey", "Collins", "Bell", "Shaw", "Miller", "Cox", "Richards", "Marshall",
			"Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers",
			"Gray", "Mason", "Lloyd", "Hunt", "Holmes", "Palmer", "Barnes", "Knight", "Fletcher", "Butler",
			"Russell", "Barker", "Stevens", "Jenkins", "Dixon", "Fisher", "Harvey", "Pearson", "Graham",
			"Atkinson", "Lawrence", "Saunders", "Hardy", "Sutton", "Ashworth", "Whitfield", "Pennington"},
	}
	celticNames = namePool{
		female: []string{"Siobhan", "Niamh", "Aoife", "Ciara", "Eilidh", "Catrin", "Rhian", "Sian", "Mairead",
			"Isla", "Bronwen", "Orla", "Shona", "Megan", "Ffion"},
		male: []string{"Ciaran", "Declan", "Sean", "Cormac", "Rhys", "Dafydd", "Iain", "Fraser", "Owen", "Euan",
			"Padraig", "Gethin", "Hamish", "Niall", "Aled"},
		family: []string{"O'Brien", "O'Connor", "Byrne", "Doyle", "Gallagher", "McCarthy", "Quinn", "Kennedy",
			"MacDonald", "Campbell", "Stewart", "Fraser", "Reid", "Ross", "Morgan", "Pritchard", "Llewellyn",
			"Bowen", "Rees", "Howells", "Murphy", "Kelly", "Docherty", "McLeod", "Vaughan", "Gilmour"},
	}
	europeanNames = namePool{
		female: []string{"Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa", "Giulia", "Elena", "Ioana",
			"Sofia", "Ana", "Monika", "Kristina"},
		male: []string{"Tomasz", "Piotr", "Marek", "Krzysztof", "Paweł", "Łukasz", "Marco", "Luca", "Andrei",
			"Nikolaos", "João", "Mihai"},
		family: []string{"Nowak", "Kowalczyk", "Wójcik", "Mazur", "Krawczyk", "Zając", "Rossi", "Romano",
			"Costa", "Papadopoulos", "Popescu", "Ferreira", "Horvat", "Novák", "Silva", "Esposito"},
	}
	southAsianNames = namePool{
		female: []string{"Priya", "Anjali", "Sunita", "Aisha", "Fatima", "Sana", "Nadia", "Zara", "Amrit",
			"Harpreet", "Simran", "Ayesha", "Shabnam", "Rukhsana", "Meera", "Kiran", "Nusrat", "Farah", "Jasmin",
			"Pooja"},
		male: []string{"Rajesh", "Amit", "Sanjay", "Imran", "Mohammed", "Asif", "Bilal", "Hassan", "Zain",
			"Arjun", "Vikram", "Harjit", "Gurpreet", "Kamran", "Tariq", "Faisal", "Rohan", "Sunil", "Adeel",
			"Jaswinder"},
		family: []string{"Patel", "Khan", "Singh", "Ahmed", "Hussain", "Begum", "Ali", "Shah", "Sharma", "Kaur",
			"Iqbal", "Mahmood", "Chaudhry", "Rahman", "Sandhu", "Gill", "Mistry", "Desai", "Chopra", "Malik",
			"Qureshi", "Bhatti", "Uddin", "Islam", "Kumar", "Rana", "Choudhury", "Bains", "Parmar", "Akhtar"},
	}
	blackNames = namePool{
		female: []string{"Abena", "Ama", "Chioma", "Ngozi", "Folake", "Adaeze", "Shanice", "Tanisha", "Keisha",
			"Nia", "Marcia", "Precious", "Grace", "Yvonne", "Funmi", "Esi", "Monique", "Simone", "Blessing",
			"Hope"},
		male: []string{"Kwame", "Kofi", "Chinedu", "Emeka", "Olu", "Tunde", "Tyrone", "Marcus", "Jermaine",
			"Andre", "Delroy", "Winston", "Nathaniel", "Ade", "Femi", "Kayode", "Leon", "Darnell", "Isaac",
			"Samuel"},
		family: []string{"Okafor", "Mensah", "Adeyemi", "Owusu", "Boateng", "Asante", "Okonkwo", "Adebayo",
			"Nwosu", "Campbell", "Francis", "Grant", "Thomas", "Robinson", "Brown", "Clarke", "Bailey", "Douglas",
			"Henry", "Samuels", "Edwards", "Oduya", "Mohamed", "Abdi", "Williams", "Ogunleye", "Anane", "Eze"},
	}
	otherNames = namePool{
		female: []string{"Mei", "Yan", "Elif", "Zeynep", "Leila", "Yasmin", "Mariam", "Hana", "Linh", "Min-ji",
			"Noor", "Shirin", "Ayumi", "Camila"},
		male: []string{"Wei", "Jun", "Hao", "Mehmet", "Emre", "Omar", "Karim", "Yusuf", "Minh", "Dong-hyun",
			"Reza", "Kenji", "Diego", "Tomás"},
		family: []string{"Chen", "Wang", "Li", "Nguyen", "Tran", "Yilmaz", "Demir", "Kaya", "Haddad", "Rahimi",
			"Hosseini", "Tanaka", "Kim", "Park", "Santos", "Fernandes", "Wong", "Zhang", "Aziz", "Mansour"},
	}
)

// Pools by the officers.Ethnicities values they are drawn for.
type weightedPool struct {
	pool *namePool
	w    float64
}

var (
	whiteOfficerPools = []weightedPool{{&britishNames, 80}, {&celticNames, 14}, {&europeanNames, 6}}
	publicPools       = []weightedPool{{&britishNames, 52}, {&celticNames, 6}, {&europeanNames, 7},
		{&southAsianNames, 16}, {&blackNames, 12}, {&otherNames, 7}}
)

// The parts of an invented home address. Street and district names are
// common words, so any match with a real address is accidental and vague.
var (
	streetNames = []string{"Alder", "Beech", "Chestnut", "Hawthorn", "Kingfisher", "Mill", "Station", "Church",
		"Victoria", "Albert", "Orchard", "Meadow", "Brook", "Ferry", "Rowan", "Larch", "Heron", "Tanner",
		"Weaver", "Foundry", "Canal", "Granary", "Linden", "Sorrel", "Bramble", "Quarry", "Chapel", "Market"}
	streetKinds = []string{"Road", "Street", "Close", "Avenue", "Lane", "Gardens", "Crescent", "Way", "Terrace",
		"Grove", "Place", "Walk"}
	districts = []string{"Northgate", "Hillmead", "Eastbury Vale", "Westmoor", "Southfleet Green", "Kingsmead",
		"Riverside", "Old Harbour", "Ashcombe", "Bramley Heath", "Fennick", "Marlow Cross", "St Aldric's",
		"Coldharbour Rise", "Brackenfield", "Upper Saltley", "Thornbury Park", "Greywell"}
)

// asciiFold maps the accented letters used in the pools above to plain
// ASCII, because an email local part made from a name should stay a
// dot-atom that every mail parser accepts.
var asciiFold = strings.NewReplacer(
	"ł", "l", "Ł", "l", "ó", "o", "ą", "a", "ę", "e", "ś", "s", "ć", "c", "ń", "n", "ż", "z", "ź", "z",
	"ã", "a", "á", "a", "é", "e", "í", "i", "ú", "u", "ç", "c", "'", "", "-", "", " ", "",
)

func emailLocal(s string) string {
	return asciiFold.Replace(strings.ToLower(s))
}
