// Plate serial formats per region, as data. Pattern language: see ./pattern.ts (L letter, D digit, A either,
// [..] a set, {m,n} repeats). Plates are compared without spaces or dashes, in Latin letters and digits (the
// OCR's alphabet), so only the Latin/digit part of a plate is described.
//
// `formats` are the regular serials (a fit is real evidence for the region); `generic` are catch-alls such as
// vanity plates (a fit only weakly suggests the region, and lets strict mode keep such plates).
// A state or province without an entry uses its country's formats; a country with states (us, ca, au, ae) also
// accepts every format of its states.
//
// Sources: the English Wikipedia page named in `source` (current series plus the older series still common on
// the road), mostly written from knowledge of those pages; the US states were checked against Wikipedia's
// "United States license plate designs and serial formats" and the state pages' serial-format boxes (e.g.
// Arizona's 6-character blocks whose 4th character is a digit, Florida's seven 6-character series, Alabama's
// county-coded series), and BC, Quebec, NSW, WA, Austria, Kazakhstan, Moldova, Poland and Vietnam against
// copies of their pages. They describe ordinary passenger plates; special series (diplomatic,
// military, trailers, motorcycles, temporary) are mostly left out. These are hints for re-ranking, not a
// registry: corrections welcome, with the source.

export interface RegionFormats {
  region: string;
  formats: readonly string[];
  generic?: readonly string[];
  source: string;
  note?: string;
}

const wp = (page: string) => `Wikipedia: Vehicle registration plates of ${page}`;

/** US states: every state also accepts personalised plates of 2-7 characters (generic). */
const US: ReadonlyArray<[code: string, name: string, formats: string[]]> = [
  ['us-al', 'Alabama', ['DLDDDDL', 'DLDDLLL', 'DLDDLDL', 'DDLDDDL', 'DDLDDLD', 'DDLDLDD', 'DDLDLLD', 'DDLDLLL']],
  ['us-ak', 'Alaska', ['LLLDDD', 'DDDLLL']],
  ['us-az', 'Arizona', ['AAADAA', 'LLLDDDD', 'LLLDDD']],
  ['us-ar', 'Arkansas', ['LLLDDL', 'DDDLLL']],
  ['us-ca', 'California', ['DLLLDDD', 'DDDDDLD', 'LLLDDD']],
  ['us-co', 'Colorado', ['LLLLDD', 'LLLDDD', 'DDDLLL']],
  ['us-ct', 'Connecticut', ['LLDDDDD', 'DLLLLD', 'DDDLLL']],
  ['us-de', 'Delaware', ['D{3,6}']],
  ['us-dc', 'the District of Columbia', ['LLDDDD']],
  ['us-fl', 'Florida', ['LLLLDD', 'LDDDLL', 'DDLLLL', 'DDDDLL', 'LLDDLL', 'LDDDDL', 'LLLDDD']],
  ['us-ga', 'Georgia (U.S. state)', ['LLLDDDD', 'LLLDDD']],
  ['us-hi', 'Hawaii', ['LLLDDD', 'DDDLLL']],
  ['us-id', 'Idaho', ['D{0,2}LD{4,5}', 'D{0,2}LLD{3,4}', 'D{0,2}LD{3}L{1,2}']],
  ['us-il', 'Illinois', ['LLDDDDD', 'LDDDDDD']],
  ['us-in', 'Indiana', ['DDDLLL', 'LLLDDD', 'DDDDLLL']],
  ['us-ia', 'Iowa', ['LLLDDD', 'DDDLLL']],
  ['us-ks', 'Kansas', ['DDDDLLL', 'DDDLLL']],
  ['us-ky', 'Kentucky', ['DDDLLL', 'LLLDDD']],
  ['us-la', 'Louisiana', ['DDDLLL', 'LLLDDD']],
  ['us-me', 'Maine', ['DDDDLL', 'DDDLLL', 'LLLDDD']],
  ['us-md', 'Maryland', ['DLLDDDD', 'LLLDDD']],
  ['us-ma', 'Massachusetts', ['DLLLDD', 'DLLDDD', 'DDDLLL', 'DDDDLL']],
  ['us-mi', 'Michigan', ['LLLDDDD', 'DLLLDD']],
  ['us-mn', 'Minnesota', ['DDDLLL', 'LLLDDD']],
  ['us-ms', 'Mississippi', ['LLLDDDD', 'LLLDDD', 'DDDLLL']],
  ['us-mo', 'Missouri', ['LLDLDL', 'LLLDDD']],
  ['us-mt', 'Montana', ['D{5,6}L', 'D{1,2}LD{4}']],
  ['us-ne', 'Nebraska', ['LLLDDD', 'DDDLLL', 'D{1,2}LD{3,4}', 'L{1,2}D{1,5}']],
  ['us-nv', 'Nevada', ['DDDLLL', 'DDLDDD', 'DDDLDD', 'LLLDDD']],
  ['us-nh', 'New Hampshire', ['D{6,7}']],
  ['us-nj', 'New Jersey', ['LDDLLL', 'LLLDDL']],
  ['us-nm', 'New Mexico', ['LLLDDD', 'DDDLLL']],
  ['us-ny', 'New York', ['LLLDDDD']],
  ['us-nc', 'North Carolina', ['LLLDDDD']],
  ['us-nd', 'North Dakota', ['DDDLLL', 'LLLDDD']],
  ['us-oh', 'Ohio', ['LLLDDDD']],
  ['us-ok', 'Oklahoma', ['LLLDDD', 'DDDLLL']],
  ['us-or', 'Oregon', ['DDDLLL', 'LLLDDD']],
  ['us-pa', 'Pennsylvania', ['LLLDDDD']],
  ['us-ri', 'Rhode Island', ['D{5,6}', 'LLDDD']],
  ['us-sc', 'South Carolina', ['LLLDDD', 'DDDLLL']],
  ['us-sd', 'South Dakota', ['D{1,2}LD{3,4}', 'D{1,2}LLD{3}']],
  ['us-tn', 'Tennessee', ['LLLDDDD', 'DDDLLLL', 'LDDDDL']],
  ['us-tx', 'Texas', ['LLLDDDD', 'LLDLDDD', 'DDDLLL']],
  ['us-ut', 'Utah', ['LDDDLL', 'DDDLLL']],
  ['us-vt', 'Vermont', ['LLLDDD', 'LLDDD', 'DDDLLL']],
  ['us-va', 'Virginia', ['LLLDDDD']],
  ['us-wa', 'Washington (state)', ['LLLDDDD', 'DDDLLL']],
  ['us-wv', 'West Virginia', ['[1-9OND]LLDDD', '[1-9OND]LDDDD']],
  ['us-wi', 'Wisconsin', ['LLLDDDD', 'DDDLLL']],
  ['us-wy', 'Wyoming', ['D{5,7}']],
];

export const FORMATS: ReadonlyArray<RegionFormats> = [
  // --- Countries marked "Prediction: Yes" in the reference ---
  { region: 'ar', formats: ['LLLDDD', 'LLDDDLL'], source: wp('Argentina'), note: '1995-2016 AAA999; Mercosur AA999AA' },
  { region: 'am', formats: ['DDLLDDD'], source: wp('Armenia') },
  { region: 'at', formats: ['L{1,2}D{1,5}L{1,3}'], generic: ['L{2,7}D{1,3}'], source: wp('Austria'), note: 'district 1-2 letters + digits + letters (W 12345 A, FK 1 ABC, XX 123 AB); personalised: letters then digits' },
  { region: 'az', formats: ['DDLLDDD'], source: wp('Azerbaijan') },
  { region: 'by', formats: ['DDDDLLD'], source: wp('Belarus') },
  { region: 'be', formats: ['DLLLDDD', 'LLLDDD'], source: wp('Belgium') },
  { region: 'br', formats: ['LLLDDDD', 'LLLDLDD'], source: wp('Brazil'), note: 'old AAA9999; Mercosur AAA9A99' },
  { region: 'bg', formats: ['L{1,2}DDDDLL'], source: wp('Bulgaria') },
  { region: 'cl', formats: ['LLLLDD', 'LLDDDD'], source: wp('Chile'), note: '2007+ BBBB99; older AA9999' },
  { region: 'co', formats: ['LLLDDD'], source: wp('Colombia') },
  { region: 'cr', formats: ['LLLDDD', 'D{5,6}'], source: wp('Costa Rica') },
  { region: 'hr', formats: ['LLD{3,4}L{1,2}'], source: wp('Croatia') },
  { region: 'cz', formats: ['DLDDDDD', 'DLLDDDD'], source: wp('the Czech Republic') },
  { region: 'dk', formats: ['LLDDDDD'], source: wp('Denmark') },
  { region: 'eg', formats: ['L{2,3}D{3,4}', 'D{3,4}L{2,3}'], source: wp('Egypt'), note: 'Arabic letters and digits, in transliteration' },
  { region: 'ee', formats: ['DDDLLL'], source: wp('Estonia') },
  { region: 'fi', formats: ['LLLDDD', 'L{2,3}D{1,3}'], source: wp('Finland') },
  { region: 'fr', formats: ['LLDDDLL', 'D{1,4}L{2,3}DD', 'D{1,4}L{2,3}D[AB]'], source: wp('France'), note: 'SIV 2009+ AA999AA; FNI 9999AAA99 (2A/2B Corsica)' },
  { region: 'ge', formats: ['LLDDDLL', 'LLLDDD'], source: wp('Georgia (country)') },
  { region: 'de', formats: ['L{2,5}D{1,4}', 'L{2,5}D{1,3}[EH]'], source: wp('Germany'), note: 'district 1-3 letters + 1-2 letters + 1-4 digits (+E electric, H historic)' },
  { region: 'gr', formats: ['LLLDDDD'], source: wp('Greece') },
  { region: 'hu', formats: ['LLLDDD', 'LLLLDDD'], source: wp('Hungary'), note: 'ABC-123; 2022+ AA BB-123' },
  { region: 'in', formats: ['LLD{1,2}L{0,3}DDDD', 'DD[B][H]DDDDL{1,2}'], source: wp('India'), note: 'state + district + series + number; BH series' },
  { region: 'id', formats: ['L{1,2}D{1,4}L{0,3}'], source: wp('Indonesia') },
  { region: 'il', formats: ['D{7,8}'], source: wp('Israel') },
  { region: 'it', formats: ['LLDDDLL'], source: wp('Italy') },
  { region: 'jp', formats: ['D{2,3}D{4}'], generic: ['D{1,4}'], source: wp('Japan'), note: 'class number + serial; the kana and place name are not Latin' },
  { region: 'kz', formats: ['DDDLLLDD', 'DDDLLDD', 'LDDDL{2,3}'], source: wp('Kazakhstan'), note: '2012+ 123 ABC + region 02; 1993-2012 A 123 BC(D)' },
  { region: 'lv', formats: ['LLD{1,4}'], source: wp('Latvia') },
  { region: 'lt', formats: ['LLLDDD'], source: wp('Lithuania') },
  { region: 'lu', formats: ['LLDDDD', 'D{4,5}'], source: wp('Luxembourg') },
  { region: 'md', formats: ['LLLDDD', 'L{3,4}D{1,3}'], source: wp('Moldova'), note: '2015+ ABC 123; before: district 1-2 letters + 2 letters + 1-3 digits' },
  { region: 'mc', formats: ['LDDD', 'DDDD', 'LLDD'], source: wp('Monaco') },
  { region: 'me', formats: ['LLL{1,2}DDD'], source: wp('Montenegro') },
  {
    region: 'nl',
    formats: ['LLDDDD', 'DDDDLL', 'DDLLDD', 'LLDDLL', 'LLLLDD', 'DDLLLL', 'DDLLLD', 'DLLLDD', 'LLDDDL', 'LDDDLL', 'LLLDDL', 'LDDLLL', 'DLLDDD', 'DDDLLD'],
    source: wp('the Netherlands'),
    note: 'sidecodes 1-14',
  },
  { region: 'nz', formats: ['LLLDDD', 'LLDDDD'], generic: ['A{1,6}'], source: wp('New Zealand') },
  { region: 'no', formats: ['LLDDDDD', 'LLDDDD'], source: wp('Norway') },
  { region: 'pe', formats: ['LLLDDD', 'LDLDDD', 'LDDDDD'], source: wp('Peru') },
  { region: 'pl', formats: ['LLDA{4}', 'LLLA{4}', 'LLDDDDD'], source: wp('Poland'), note: 'county 2-3 letters + 4-5 character serial' },
  { region: 'pt', formats: ['LLDDLL', 'DDLLDD', 'DDDDLL', 'LLDDDD'], source: wp('Portugal') },
  { region: 'ro', formats: ['L{1,2}D{2,3}LLL'], source: wp('Romania') },
  { region: 'rs', formats: ['LLD{3,5}LL'], source: wp('Serbia') },
  { region: 'sk', formats: ['LLDDDLL'], source: wp('Slovakia') },
  { region: 'za', formats: ['LLDDLLL{1,2}', 'LLLDDDL{1,2}', 'LLD{3,6}'], source: wp('South Africa'), note: 'provincial series incl. the GP/NW/MP suffix and CA 123-456' },
  { region: 'es', formats: ['DDDD[BCDFGHJKLMNPRSTVWXYZ]{3}', 'L{1,2}DDDDL{0,2}'], source: wp('Spain'), note: '2000+ 9999 BBB (no vowels); provincial series' },
  { region: 'se', formats: ['LLLDDA'], source: wp('Sweden') },
  { region: 'ch', formats: ['LLD{1,6}'], source: wp('Switzerland') },
  { region: 'th', formats: ['D{0,1}D{1,4}'], source: wp('Thailand'), note: 'the Thai letters and province name are not Latin: digits only', generic: ['D{1,5}'] },
  { region: 'tr', formats: ['DDL{1,3}D{2,4}'], source: wp('Turkey') },
  { region: 'ua', formats: ['LLDDDDLL'], source: wp('Ukraine') },
  { region: 'ae', formats: ['L{1,2}D{1,5}', 'D{2,7}'], source: wp('the United Arab Emirates'), note: 'emirate letter or number code + 1-5 digits' },
  { region: 'gb', formats: ['LLDDLLL', 'LD{1,3}LLL', 'LLLD{1,3}L', 'LLLD{1,4}'], source: wp('the United Kingdom'), note: '2001+ AB12CDE; prefix A123BCD; suffix ABC123D; Northern Ireland ABC 1234' },
  { region: 'us', formats: ['DLLLDDD', 'LLLDDDD', 'LLLDDD', 'DDDLLL'], generic: ['A{2,7}'], source: wp('the United States'), note: 'plus every state format' },
  { region: 'uz', formats: ['DDLDDDLL', 'DDDDDLLL'], source: wp('Uzbekistan') },
  { region: 'vn', formats: ['DDLD{4,5}', 'DDLLD{4,5}', 'DDLDD{4,5}'], source: wp('Vietnam') },

  // --- States and provinces ---
  ...US.map(([region, name, formats]) => ({ region, formats, generic: ['A{2,7}'], source: wp(name) })),

  { region: 'ca-ab', formats: ['LLLDDDD', 'LLLDDD'], source: wp('Alberta') },
  { region: 'ca-bc', formats: ['LLDDDL', 'LLLDDD', 'DDDLLL'], source: wp('British Columbia'), note: '2014+ AB1 23C; 2001-2014 123 ABC; 1970-2001 ABC 123' },
  { region: 'ca-mb', formats: ['LLLDDD', 'DDDLLL'], source: wp('Manitoba') },
  { region: 'ca-nb', formats: ['LLLDDD'], source: wp('New Brunswick') },
  { region: 'ca-nl', formats: ['LLLDDD'], source: wp('Newfoundland and Labrador') },
  { region: 'ca-nt', formats: ['D{6}', 'LLLDDD'], source: wp('the Northwest Territories') },
  { region: 'ca-ns', formats: ['LLLDDD', 'DDDLLL'], source: wp('Nova Scotia') },
  { region: 'ca-nu', formats: ['D{6}', 'LLLDDD'], source: wp('Nunavut') },
  { region: 'ca-on', formats: ['LLLLDDD', 'LLLDDD'], source: wp('Ontario') },
  { region: 'ca-pe', formats: ['LLLDDD', 'LDDDD'], source: wp('Prince Edward Island') },
  { region: 'ca-qc', formats: ['LDDLLL', 'DDDLLL', 'LLLDDD'], source: wp('Quebec'), note: 'A12 BCD; 123 ABC; ABC 123' },
  { region: 'ca-sk', formats: ['DDDLLL', 'LLLDDD'], source: wp('Saskatchewan') },
  { region: 'ca-yt', formats: ['LLLDD', 'DDDLL'], source: wp('Yukon') },
  { region: 'ca', formats: [], source: wp('Canada'), note: 'every province format' },

  { region: 'au-act', formats: ['LLLDDL', 'LLLDDD'], source: wp('the Australian Capital Territory') },
  { region: 'au-nsw', formats: ['LLDDLL', 'LLLDDL', 'LLLDDD'], source: wp('New South Wales'), note: '2004+ AB 12 CD; slimline ABC 12D; 1951-2004 ABC 123' },
  { region: 'au-qld', formats: ['DDDLLL', 'DDDLLD'], source: wp('Queensland') },
  { region: 'au-sa', formats: ['[S]DDDLLL', 'LLLDDD'], source: wp('South Australia') },
  { region: 'au-tas', formats: ['LDDLL', 'LLLDDD'], source: wp('Tasmania') },
  { region: 'au-vic', formats: ['DLLDLL', 'LLLDDD'], source: wp('Victoria'), note: '2013+ 1AB 2CD' },
  { region: 'au-wa', formats: ['DLLLDDD', 'DLLDDD', 'LLLDDD'], source: wp('Western Australia') },
  { region: 'au', formats: [], generic: ['A{2,6}'], source: wp('Australia'), note: 'every state format; personalised plates' },

  { region: 'ae-du', formats: ['L{1,2}D{1,5}'], source: wp('Dubai') },
  { region: 'ae-az', formats: ['D{1,2}D{1,5}'], source: wp('Abu Dhabi') },
  { region: 'ae-sh', formats: ['D{1}D{1,5}', 'L{1,2}D{1,5}'], source: wp('Sharjah') },
  { region: 'ae-aj', formats: ['LD{1,5}'], source: wp('Ajman') },
  { region: 'ae-rk', formats: ['LD{1,5}'], source: wp('Ras Al Khaimah') },
  { region: 'ae-fu', formats: ['LD{1,5}'], source: wp('Fujairah') },
  { region: 'ae-uq', formats: ['LD{1,5}'], source: wp('Umm Al Quwain') },

  // --- Some countries without region prediction, for hints and strict mode ---
  { region: 'mx', formats: ['LLLDDDD', 'LLLDDDL', 'LLDDDDL'], source: wp('Mexico') },
  { region: 'ie', formats: ['D{2,3}L{1,2}D{1,6}'], source: wp('Ireland') },
  { region: 'ru', formats: ['LDDDLLD{2,3}'], source: wp('Russia'), note: 'Cyrillic letters that look Latin' },
  { region: 'si', formats: ['LLL{1,2}D{2,3}', 'LLDDDLL'], source: wp('Slovenia') },
  { region: 'ph', formats: ['LLLDDDD', 'LLLDDD'], source: wp('the Philippines') },
  { region: 'my', formats: ['L{1,3}D{1,4}L{0,1}'], source: wp('Malaysia') },
  { region: 'sg', formats: ['L{2,3}D{1,4}L'], source: wp('Singapore') },
  { region: 'is', formats: ['LLDDD', 'LLLDD'], source: wp('Iceland') },
  { region: 'ba', formats: ['LDDLDDD'], source: wp('Bosnia and Herzegovina') },
  { region: 'mk', formats: ['LLDDDDLL'], source: wp('North Macedonia') },
  { region: 'al', formats: ['LLDDDLL'], source: wp('Albania') },
  { region: 'uy', formats: ['LLLDDDD'], source: wp('Uruguay') },
  { region: 'py', formats: ['LLLLDDD', 'LLLDDD'], source: wp('Paraguay') },
  { region: 'ec', formats: ['LLLDDDD', 'LLLDDD'], source: wp('Ecuador') },
  { region: 've', formats: ['LLDDDLL', 'LLLDDL'], source: wp('Venezuela') },
  { region: 'bo', formats: ['DDDDLLL', 'DDDLLL'], source: wp('Bolivia') },
  { region: 'cy', formats: ['LLLDDD'], source: wp('Cyprus') },
  { region: 'mt', formats: ['LLLDDD'], source: wp('Malta') },
];
