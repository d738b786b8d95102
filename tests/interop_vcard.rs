//! vCard in and out: every file of the corpus (real files written by Android,
//! BlackBerry, Evolution, Gmail, iPhone, Lotus Notes, Mac Address Book, MS
//! Outlook, Thunderbird, FullContact and the RFC examples) reads into what a
//! person sees when opening it, and comes back unchanged through `write`;
//! arbitrary contacts survive `write` → `read`; no input makes `read` panic.

use std::collections::BTreeMap;
use std::path::PathBuf;

use guanxi::domain::text::clean;
use guanxi::interop::Contact;
use guanxi::interop::vcard;
use proptest::prelude::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus/vcard");

// ---------------------------------------------------------------------------
// The corpus

/// What a person sees in one card.
#[derive(Debug, Default)]
struct Seen {
    line: usize,
    name: &'static str,
    given: &'static str,
    middle: &'static str,
    family: &'static str,
    company: &'static str,
    title: &'static str,
    emails: Vec<&'static str>,
    phones: Vec<&'static str>,
    addresses: Vec<&'static str>,
    notes: String,
    tags: Vec<&'static str>,
    /// Lines that must be among the card's `extra` (checked by prefix, as
    /// photos are long).
    extra: Vec<&'static str>,
}

/// A computed expectation in a `Seen` of static strings (tests only).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn read_file(file: &str) -> Vec<Contact> {
    let path = PathBuf::from(CORPUS).join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(vcard::looks_like(&bytes), "{file} should look like vCard");
    vcard::read(&bytes)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{file}: {e}")))
        .collect()
}

fn check(file: &str, expected: Vec<Seen>) {
    let cards = read_file(file);
    assert_eq!(cards.len(), expected.len(), "{file}: number of cards");
    for (i, (c, e)) in cards.iter().zip(&expected).enumerate() {
        let at = format!("{file}, card {} (line {})", i + 1, c.line);
        assert_eq!(c.line, e.line, "{at}: line");
        assert_eq!(c.name, e.name, "{at}: name");
        assert_eq!(c.given, e.given, "{at}: given");
        assert_eq!(c.middle, e.middle, "{at}: middle");
        assert_eq!(c.family, e.family, "{at}: family");
        assert_eq!(c.company, e.company, "{at}: company");
        assert_eq!(c.title, e.title, "{at}: title");
        assert_eq!(c.emails, e.emails, "{at}: emails");
        assert_eq!(c.phones, e.phones, "{at}: phones");
        assert_eq!(c.addresses, e.addresses, "{at}: addresses");
        assert_eq!(c.notes, e.notes, "{at}: notes");
        assert_eq!(c.tags, e.tags, "{at}: tags");
        assert!(c.more.is_empty(), "{at}: more {:?}", c.more);
        for x in &e.extra {
            assert!(
                c.extra.iter().any(|have| have.starts_with(x)),
                "{at}: no extra {x:?} in {:#?}",
                c.extra
            );
        }
        for x in &c.extra {
            assert!(!x.starts_with("X-GUANXI-"), "{at}: {x}");
            let head = x.split(':').next().unwrap_or_default();
            assert!(
                !head.is_empty() && !head.contains(' '),
                "{at}: not a content line in extra: {x}"
            );
            for skipped in ["VERSION", "PRODID", "REV", "BEGIN", "END"] {
                assert!(!x.starts_with(&format!("{skipped}:")), "{at}: {x}");
            }
        }
    }
    round_trip(file, &cards);
}

/// write → read gives the same contacts (but `line`), and what is written is
/// well-formed vCard 4.0.
fn round_trip(what: &str, cards: &[Contact]) {
    let text = vcard::write(cards);
    assert!(text.ends_with("\r\n"), "{what}: CRLF at the end");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{what}: {} octets: {line}", line.len());
        assert!(!line.contains(['\r', '\n']), "{what}: bare line break");
    }
    assert_eq!(
        text.matches("BEGIN:VCARD\r\nVERSION:4.0\r\n").count(),
        cards.len(),
        "{what}"
    );
    let back: Vec<Contact> = vcard::read(text.as_bytes())
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{what}, written back: {e}\n{text}")))
        .collect();
    assert_eq!(
        without_lines(back),
        without_lines(cards.to_vec()),
        "{what}: write → read"
    );
}

fn without_lines(mut cs: Vec<Contact>) -> Vec<Contact> {
    for c in &mut cs {
        c.line = 0;
    }
    cs
}

const BSD: &str = "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR \
IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A \
PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, \
INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF \
SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY \
THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN \
ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.";

#[test]
fn every_corpus_file_has_expectations() {
    let mut files: Vec<String> = std::fs::read_dir(CORPUS)
        .expect("corpus folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_ascii_lowercase().ends_with(".vcf"))
        .collect();
    files.sort();
    let mut covered = vec![
        "John_Doe_ANDROID.vcf",
        "John_Doe_BLACK_BERRY.vcf",
        "John_Doe_EVOLUTION.vcf",
        "John_Doe_GMAIL.vcf",
        "John_Doe_IPHONE.vcf",
        "John_Doe_LOTUS_NOTES.vcf",
        "John_Doe_MAC_ADDRESS_BOOK.vcf",
        "John_Doe_MS_OUTLOOK.vcf",
        "fullcontact.vcf",
        "gmail-list.vcf",
        "gmail-single.vcf",
        "gmail-single2.vcf",
        "outlook-2003.vcf",
        "outlook-2007.vcf",
        "rfc2426-example.vcf",
        "rfc6350-example.vcf",
        "thunderbird-MoreFunctionsForAddressBook-extension.vcf",
    ];
    covered.sort();
    assert_eq!(files, covered, "a corpus file without a test below");
}

#[test]
fn android() {
    // vCard 2.1, UTF-8 quoted-printable with soft line breaks (one followed
    // by a blank line), bare types, a base64 photo ended by a blank line, and
    // one ORG whose last byte (=80) is not UTF-8: windows-1252's euro sign.
    let n = "Ñ";
    let ring = "Ñ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ";
    let long_org = n.repeat(44);
    check(
        "John_Doe_ANDROID.vcf",
        vec![
            Seen {
                line: 1,
                emails: vec!["john.doe@company.com"],
                tags: vec!["My Contacts"],
                ..Seen::default()
            },
            Seen {
                line: 6,
                emails: vec!["jane.doe@company.com"],
                tags: vec!["My Contacts"],
                ..Seen::default()
            },
            Seen {
                line: 11,
                name: "Ñ Ñ Ñ Ñ Ñ",
                family: "Ñ Ñ Ñ Ñ",
                phones: vec!["123456789"],
                tags: vec!["My Contacts"],
                ..Seen::default()
            },
            Seen {
                line: 18,
                name: "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ",
                family: "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ",
                phones: vec!["123456", "234567", "3456789", "45678901"],
                notes: format!("{ring}\n\n{ring}"),
                tags: vec!["My Contacts"],
                ..Seen::default()
            },
            Seen {
                line: 36,
                name: "Ñ Ñ Ñ Ñ",
                given: "Ñ Ñ Ñ",
                family: "Ñ Ñ",
                company: "ÑÑÑÑÑÑÑÑÑÑÑÑ",
                emails: vec!["bob@company.com", "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ"],
                phones: vec!["123456", "123456", "123456"],
                extra: vec![
                    "ORG:ÑÑÑÑÑÑÑÑÑÑÑÑ",
                    "URL:www.company.com",
                    "URL:http://www.company.com",
                    "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUG",
                ],
                ..Seen::default()
            },
            Seen {
                line: 71,
                name: "ÑÑÑÑ",
                family: "ÑÑÑÑ",
                company: leak(long_org.clone()),
                emails: vec!["henry@company.com"],
                phones: vec!["55556666"],
                tags: vec!["My Contacts"],
                extra: vec![leak(format!("ORG:{long_org}€")), leak(format!("ORG:{long_org}"))],
                ..Seen::default()
            },
        ],
    );
}

#[test]
fn blackberry() {
    check(
        "John_Doe_BLACK_BERRY.vcf",
        vec![Seen {
            line: 1,
            name: "John Doe",
            given: "john",
            family: "Doe",
            company: "Acme Solutions",
            phones: vec!["+96123456789"],
            // A 2,200-character base64 photo on one line; `NOTE:` is empty.
            extra: vec!["PHOTO:data:image/jpeg;base64,/9j/4QFaRXhpZgAASUkqAAgAAAAAABABAgABAAAAAAAAABIBAwAB"],
            ..Seen::default()
        }],
    );
}

#[test]
fn evolution() {
    // vCard 3.0 folded at 75 octets, even inside values and quoted parameters.
    check(
        "John_Doe_EVOLUTION.vcf",
        vec![Seen {
            line: 1,
            name: "Mr. John Richter, James Doe Sr.",
            given: "John",
            middle: "Richter, James",
            family: "Doe",
            company: "IBM / Accounting / Dungeon",
            title: "Money Counter",
            emails: vec!["john.doe@ibm.com"],
            phones: vec!["905-666-1234", "905-555-1234"],
            addresses: vec!["ASB-123, 15 Crescent moon drive, Albaney, New York, 12345, United States of America"],
            notes: BSD.to_string(),
            tags: vec!["VIP"],
            extra: vec![
                "X-COUCHDB-APPLICATION-ANNOTATIONS:{\"Evolution\":{\"revision\":\"2012-03-05T13:32:54Z\"}}",
                "X-AIM;TYPE=HOME;X-COUCHDB-UUID=cb9e11fc-bb97-4222-9cd8-99820c1de454:johnny5@aol.com",
                "URL;X-COUCHDB-UUID=0abc9b8d-0845-47d0-9a91-3db5bb74620d:http://www.ibm.com",
                "UID:477343c8e6bf375a9bac1f96a5000837",
                "X-EVOLUTION-FILE-AS:Doe\\, John",
                "NICKNAME:Johny",
                "BDAY:1980-03-22",
            ],
        }],
    );
}

#[test]
fn gmail_john_doe() {
    check(
        "John_Doe_GMAIL.vcf",
        vec![Seen {
            line: 1,
            name: "Mr. John Richter, James Doe Sr.",
            given: "John",
            middle: "Richter, James",
            family: "Doe",
            company: "IBM",
            title: "Money Counter",
            emails: vec!["john.doe@ibm.com"],
            phones: vec!["905-555-1234", "905-666-1234"],
            // The whole address in the "extended" part, lines separated by \n.
            addresses: vec![
                "Crescent moon drive, 555-asd, Nice Area, Albaney, New York 12345, United States of America",
            ],
            // Gmail escapes the quotes (\"AS IS\").
            notes: format!("{BSD}\nFavotire Color: Blue"),
            extra: vec![
                "X-PHONETIC-FIRST-NAME:Jon",
                "X-PHONETIC-LAST-NAME:Dow",
                "BDAY:1980-03-22",
                "URL;TYPE=WORK:http://www.ibm.com",
                "item1.X-ABDATE:1975-03-01",
                "item1.X-ABLabel:_$!<Anniversary>!$_",
                "item2.X-ABRELATEDNAMES:Jenny",
                "item2.X-ABLabel:_$!<Spouse>!$_",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn iphone() {
    // Lines end in CR CR LF; grouped EMAIL, TEL, ADR and URL with Apple labels.
    check(
        "John_Doe_IPHONE.vcf",
        vec![Seen {
            line: 1,
            name: "Mr. John Richter James Doe Sr.",
            given: "John",
            middle: "Richter James",
            family: "Doe",
            company: "IBM / Accounting",
            title: "Money Counter",
            emails: vec!["john.doe@ibm.com"],
            phones: vec![
                "905-555-1234",
                "905-666-1234",
                "905-777-1234",
                "905-888-1234",
                "905-999-1234",
                "905-111-1234",
                "905-222-1234",
            ],
            addresses: vec![
                "Silicon Alley 5, New York, New York, 12345, United States of America",
                "Street4, Building 6, Floor 8, New York, 12345, USA",
            ],
            extra: vec![
                "NICKNAME:Johny",
                "item2.X-ABLabel:_$!<AssistantPhone>!$_",
                "item3.X-ABADR:Silicon Alley",
                "item4.X-ABADR:Street 4, Building 6,\\n Floor 8\\nNew York\\nUSA",
                "item5.URL;TYPE=pref:http://www.ibm.com",
                "item5.X-ABLabel:_$!<HomePage>!$_",
                "BDAY;VALUE=date:2012-06-06",
                "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/4QBYRXhpZgAATU0AKgAA",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn lotus_notes() {
    // The odd spaces ("floo r", "P URPOSE") and the escaped line breaks are in the file.
    let note = "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\"\nAND ANY EXPRESS OR \
IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO , THE\nIMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A \
PARTICULAR P URPOSE\nARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTOR S BE\nLIABLE FOR ANY \
DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR\nCONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, \
PROCUREMENT OF\n SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS \nINTERRUPTION) HOWEVER \
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN\n CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR \
OTHERWISE)\nA RISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE\n POSSIBILITY OF SUCH DAMAGE.";
    check(
        "John_Doe_LOTUS_NOTES.vcf",
        vec![Seen {
            line: 1,
            name: "Mr. Doe John I Johny",
            given: "John",
            middle: "Johny",
            family: "Doe",
            company: "IBM / SUN",
            title: "Generic Accountant",
            emails: vec!["john.doe@ibm.com", "billy_bob@gmail.com"],
            phones: vec!["+1 (212) 204-34456", "00-1-212-555-7777"],
            addresses: vec!["25334, South cresent drive, Building 5, 3rd floo r, New York, New York, NYC887, U.S.A."],
            notes: note.to_string(),
            extra: vec![
                "NICKNAME:Johny\\,JayJay",
                "item2.URL;TYPE=pref:http://www.sun.com",
                "item2.X-ABLabel:_$!<HomePage>!$_",
                "BDAY;VALUE=date:1980-05-21",
                "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/4QBARXhpZgAATU0AKgAA",
                "UID:0e7602cc-443e-4b82-b4b1-90f62f99a199",
                "X-ABUID:0E7602CC-443E-4B82-B4B1-90F62F99A199:ABPerson",
                "GEO:-2.600000;3.400000",
                "TZ:1:00",
                "LABEL;TYPE=HOME,PARCEL,PREF:John Doe\\nNew York\\, NewYork\\,\\nSouth Crecent Dr ive\\,\\nBuilding 5\\, \
floor 3\\,\\nUSA",
                "ROLE:Counting Money",
                "X-LONG-STRING:12345678901234567890123456789012345678901234567890123456789012 \
34567890123456789012345678901234567890",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn mac_address_book() {
    // A photo folded with two spaces and LF inside a CRLF file; escaped
    // commas in N, FN and ADR; escaped quotes and colon in the note.
    check(
        "John_Doe_MAC_ADDRESS_BOOK.vcf",
        vec![Seen {
            line: 1,
            name: "Mr. John Richter,James Doe Sr.",
            given: "John",
            middle: "Richter,James",
            family: "Doe",
            company: "IBM / Accounting",
            title: "Money Counter",
            emails: vec!["john.doe@ibm.com"],
            phones: vec![
                "905-777-1234",
                "905-666-1234",
                "905-555-1234",
                "905-888-1234",
                "905-999-1234",
                "905-111-1234",
                "905-222-1234",
            ],
            addresses: vec![
                "Silicon Alley 5, New York, New York, 12345, United States of America",
                "Street4, Building 6, Floor 8, New York, 12345, USA",
            ],
            notes: format!("{BSD}\nFavotire Color: Blue"),
            extra: vec![
                "NICKNAME:Johny",
                "X-PHONETIC-FIRST-NAME:Jon",
                "item1.X-ABLabel:AssistantPhone",
                "item2.X-ABADR:Silicon Alley",
                "item3.X-ABADR:Street 4, Building 6,\\nFloor 8\\nNew York\\nUSA",
                "item4.URL;TYPE=pref:http://www.ibm.com",
                "BDAY;VALUE=date:2012-06-06",
                "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/4QBARXhpZgAATU0AKgAAAAgAAYdpAAQAAAABAAAAGgAA",
                "item5.X-ABRELATEDNAMES;TYPE=pref:Jenny",
                "item5.X-ABLabel:Spouse",
                "X-ABUID:6B29A774-D124-4822-B8D0-2780EC117F60:ABPerson",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn ms_outlook() {
    // vCard 2.1: N;LANGUAGE=en-us, quoted-printable LABELs with soft breaks,
    // a photo whose base64 starts on the line after the colon.
    check(
        "John_Doe_MS_OUTLOOK.vcf",
        vec![Seen {
            line: 1,
            name: "Mr. John Richter James Doe Sr.",
            given: "John",
            middle: "Richter James",
            family: "Doe",
            company: "IBM / Accounting",
            title: "Money Counter",
            emails: vec!["john.doe@ibm.cm"],
            phones: vec!["(905) 555-1234", "(905) 666-1234"],
            addresses: vec![
                "Cresent moon drive, Albaney, New York, 12345, United States of America",
                "Silicon Alley 5, New York, New York, 12345, United States of America",
            ],
            notes: BSD
                .replace(
                    "THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\"",
                    "GEORGE EL-HADDAD ''AS IS''",
                )
                .replace(
                    "THE COPYRIGHT HOLDER OR CONTRIBUTORS",
                    "GEORGE EL-HADDAD OR CONTRIBUTORS",
                ),
            extra: vec![
                "NICKNAME:Johny",
                "LABEL;TYPE=WORK,PREF:Cresent moon drive\\nAlbaney, New York  12345",
                "LABEL;TYPE=HOME:Silicon Alley 5,\\nNew York, New York  12345",
                "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
                "URL;TYPE=WORK:http://www.ibm.com",
                "ROLE:Counting Money",
                "BDAY:19800322",
                "X-MS-IMADDRESS:johny5@aol.com",
                "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQY",
                "X-MS-OL-DESIGN:<card xmlns=\"http://schemas.microsoft.com/office/outlook/12/electronicbusinesscards\"",
                "X-MS-MANAGER:Big Blue",
                "X-MS-ASSISTANT:Jenny",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn fullcontact() {
    // vCard 4.0 with two ORGs and two TITLEs: the second of each stays extra.
    check(
        "fullcontact.vcf",
        vec![Seen {
            line: 1,
            name: "Prefix FirstName MiddleName LastName Suffix",
            given: "FirstName",
            middle: "MiddleName",
            family: "LastName",
            company: "Organization1 / Department1",
            title: "Title1",
            emails: vec![
                "home@example.com",
                "work@example.com",
                "school@example.com",
                "other@example.com",
                "custom@example.com",
            ],
            phones: vec![
                "555-555-1111",
                "555-555-1112",
                "555-555-1113",
                "555-555-1114",
                "555-555-1115",
                "555-555-1116",
                "555-555-1117",
                "555-555-1118",
                "555-555-1119",
            ],
            addresses: vec![
                "HomeExtended, HomeStreet, HomeCity, HomeState, HomePostal, HomeCountry",
                "WorkExtended, WorkStreet, WorkCity, WorkState, WorkPostal, WorkCountry",
                "OtherExtended, OtherStreet, OtherCity, OtherState, OtherPostal, OtherCountry",
                "CustomExtended, CustomStreet, CustomCity, CustomState, CustomPostal, CustomCountry",
            ],
            notes: "Notes line 1\nNotes line 2".into(),
            tags: vec!["Tag"],
            extra: vec![
                "PHOTO:https://d3m0kzytmr41b1.cloudfront.net/c335e945d1b60edd9d75eb4837c432f637e95c8a",
                "PHOTO:https://d2ojpxxtu63wzl.cloudfront.net/static/aa915d1f29f19baf560e5491decdd30a_67c95da9133249fde8b0da7\
ceebc298bf680117e6f52054f7f5f7a95e8377238",
                "ORG:Organization2;Department2",
                "TITLE:Title2",
                "BDAY;ALTID=1:20160801",
                "BDAY;ALTID=1;VALUE=text:2016-08-01",
                "GENDER:M",
                "X-FCENCODED-582D46432D52656C617465644E616D65733A417373697374616E74:Assistant",
                "X-FCENCODED-582D46432D4F7468657244617465733A416E6E6976657273617279:2016-08-02",
                "URL:http://www.custom.com",
                "NICKNAME:NickName",
                "IMPP;X-SERVICE-TYPE=GTalk:xmpp:gtalk",
                "IMPP;X-SERVICE-TYPE=CustomTYPE:customtype:custom",
            ],
        }],
    );
}

#[test]
fn gmail_list() {
    let card = |line, name, given, family, email| Seen {
        line,
        name,
        given,
        family,
        emails: vec![email],
        ..Seen::default()
    };
    check(
        "gmail-list.vcf",
        vec![
            card(1, "Arnold Smith", "Arnold", "Smith", "asmithk@gmail.com"),
            card(7, "Chris Beatle", "Chris", "Beatle", "chrisy55d@yahoo.com"),
            card(13, "Doug White", "Doug", "White", "dwhite@gmail.com"),
        ],
    );
}

#[test]
fn gmail_single() {
    check(
        "gmail-single.vcf",
        vec![Seen {
            line: 1,
            name: "Greg Dartmouth",
            given: "Greg",
            family: "Dartmouth",
            company: "TheCompany",
            title: "TheJobTitle",
            emails: vec!["gdartmouth@hotmail.com"],
            phones: vec!["555 555 1111", "555 555 2222"],
            addresses: vec![
                "123 Home St, Home City, HM 12345",
                "321 Custom St, Custom City, TX, 98765, USA",
            ],
            notes: "This is GMail's note field.\nIt should be added as a NOTE type.\nACustomField: CustomField".into(),
            extra: vec![
                "NICKNAME:Gman",
                "X-ICQ:123456789",
                "item1.X-ABLabel:GRAND_CENTRAL",
                "item2.X-ABLabel:CustomAdrType",
                "BDAY:1960-09-10",
                "item3.URL:http://TheProfile.com",
                "item3.X-ABLabel:PROFILE",
                "item6.X-ABRELATEDNAMES:MyCustom",
                "item6.X-ABLabel:CustomRelationship",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn gmail_single2() {
    check(
        "gmail-single2.vcf",
        vec![Seen {
            line: 1,
            name: "VCard Test",
            given: "VCard",
            family: "Test",
            company: "TheCompany",
            title: "TheJobTitle",
            emails: vec![
                "email@example.com",
                "homeemail@example.com",
                "workemail@example.com",
                "otheremail@example.com",
                "customcategory@example.com",
            ],
            phones: vec![
                "5555551111",
                "5555551112",
                "5555551113",
                "5555551114",
                "5555551115",
                "5555551116",
                "5555551117",
                "5555551118",
                "5555551119",
                "5555551120",
                "5555551121",
            ],
            addresses: vec![
                "111 Main St, NY, New York, 10011",
                "112 Main St, NY, New York, 10011",
                "113 Main St, NY, New York, 10011",
                "114 Main St, NY, New York, 10011",
                "115 Main St, NY, New York, 10011",
            ],
            notes: "note line 1\nnote line 2\nCustomField: field value".into(),
            extra: vec![
                "NICKNAME:TheNickname",
                "item1.X-ABLabel:CustomEmailCategory",
                "X-GTALK:IM2",
                "X-JABBER:IM9",
                "item3.X-ABLabel:CustomePhoneCategory",
                "item4.X-ABLabel:CustomAddressCategory",
                "URL:http://www.example1.com",
                "URL;TYPE=WORK:http://www.example5.com",
                "X-ABDATE:1776-07-04",
                "item25.X-ABRELATEDNAMES:Name16",
                "item25.X-ABLabel:CustomRelationCategory",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn outlook_2003() {
    // Quoted-printable NOTE without a charset ending in a soft break; a
    // base64 certificate indented by four spaces.
    check(
        "outlook-2003.vcf",
        vec![Seen {
            line: 1,
            name: "John Doe III",
            given: "John",
            family: "Doe",
            company: "Company, The / TheDepartment",
            title: "The Job Title",
            emails: vec!["jdoe@hotmail.com"],
            phones: vec!["BusinessPhone", "HomePhone", "MobilePhone", "BusinessFaxPhone"],
            addresses: vec!["TheOffice, 123 Main St, Austin, TX, 12345, United States of America"],
            notes: "This is the note field!!\nSecond line\n\nThird line is empty".into(),
            extra: vec![
                "NICKNAME:Joey",
                "LABEL;TYPE=WORK:TheOffice\\n123 Main St\\nAustin, TX 12345\\nUnited States of America",
                "URL;TYPE=WORK:http://web-page-address.com",
                "BDAY:19800321",
                "KEY:data:application/pkix-cert;base64,MIIDITCCAoqgAwIBAgIQT52W2WawmStUwpV8tBV9TTANBgkqhkiG9w0BAQUFADBM",
                "FBURL:????????????????s????????????",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn outlook_2007() {
    check(
        "outlook-2007.vcf",
        vec![Seen {
            line: 1,
            name: "Mr. Michael Angstadt Jr.",
            given: "Michael",
            family: "Angstadt",
            company: "TheCompany / TheDepartment",
            title: "TheJobTitle",
            emails: vec!["mike.angstadt@gmail.com"],
            phones: vec!["(111) 555-1111", "(111) 555-2222", "(111) 555-4444", "(111) 555-3333"],
            addresses: vec!["TheOffice, 222 Broadway, New York, NY, 99999, USA"],
            notes:
                "This is the NOTE field\t\nI assume it encodes this text inside a NOTE vCard type.\nBut I'm not sure \
because there's text formatting going on here.\nIt does not preserve the formatting"
                    .into(),
            extra: vec![
                "NICKNAME:Mike",
                "X-MS-TEL;TYPE=VOICE,CALLBACK:(111) 555-4444",
                "LABEL;TYPE=WORK,PREF:222 Broadway\\nNew York, NY 99999\\nUSA",
                "URL;TYPE=HOME:http://mikeangstadt.name",
                "KEY:data:application/pkix-cert;base64,MIIB/jCCAWugAwIBAgIQDdkWkvA2cqtGkw2P4zAoZDAJBgUrDgMCHQUAMBMx",
                "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQY",
                "X-MS-SPOUSE:TheSpouse",
                "FBURL:http://website.com/mycal",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn rfc2426_example() {
    // `BEGIN:vCard`, LF line ends, ADR folded before a semicolon.
    check(
        "rfc2426-example.vcf",
        vec![
            Seen {
                line: 1,
                name: "Frank Dawson",
                company: "Lotus Development Corporation",
                emails: vec!["Frank_Dawson@Lotus.com", "fdawson@earthlink.net"],
                phones: vec!["+1-919-676-9515", "+1-919-676-9564"],
                addresses: vec!["6544 Battleford Drive, Raleigh, NC, 27613-3502, U.S.A."],
                extra: vec!["URL:http://home.earthlink.net/~fdawson"],
                ..Seen::default()
            },
            Seen {
                line: 13,
                name: "Tim Howes",
                company: "Netscape Communications Corp.",
                emails: vec!["howes@netscape.com"],
                phones: vec!["+1-415-937-3419", "+1-415-528-4164"],
                addresses: vec!["501 E. Middlefield Rd., Mountain View, CA, 94043, U.S.A."],
                ..Seen::default()
            },
        ],
    );
}

#[test]
fn rfc6350_example() {
    // tel: URIs (one with ;ext=), TYPE="work,voice", a value folded after the colon.
    check(
        "rfc6350-example.vcf",
        vec![Seen {
            line: 1,
            name: "Simon Perreault",
            given: "Simon",
            family: "Perreault",
            company: "Viagenie",
            emails: vec!["simon.perreault@viagenie.ca"],
            phones: vec!["+1-418-656-9254;ext=102", "+1-418-262-6501"],
            addresses: vec!["Suite D2-630, 2875 Laurier, Quebec, QC, G1V 2M2, Canada"],
            extra: vec![
                "BDAY:--0203",
                "ANNIVERSARY:20090808T1430-0500",
                "GENDER:M",
                "LANG;PREF=1:fr",
                "LANG;PREF=2:en",
                "GEO;TYPE=work:geo:46.772673,-71.282945",
                "KEY;TYPE=work;VALUE=uri:http://www.viagenie.ca/simon.perreault/simon.asc",
                "TZ:-0500",
                "URL;TYPE=home:http://nomis80.org",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn thunderbird() {
    // CATEGORIES with escaped commas is one category, as RFC 2426 reads it.
    check(
        "thunderbird-MoreFunctionsForAddressBook-extension.vcf",
        vec![Seen {
            line: 1,
            name: "John Doe",
            given: "John",
            family: "Doe",
            company: "TheOrganization / TheDepartment",
            title: "TheTitle",
            emails: vec![
                "doe.john@hotmail.com",
                "additional-email@company.com",
                "additional-email1@company.com",
                "additional-email2@company.com",
                "additional-email3@company.com",
            ],
            phones: vec![
                "555-555-1111",
                "555-555-2222",
                "555-555-5555",
                "555-555-3333",
                "555-555-4444",
            ],
            addresses: vec![
                "222 Broadway, Suite 100, New York, NY, 98765, USA",
                "123 Main St, Apt 10, Austin, TX, 12345, USA",
            ],
            notes: "This is the notes field.\nSecond Line\n\nFourth Line\nYou can put anything in the \"note\" field; \
even curse words."
                .into(),
            tags: vec!["category1, category2, category3"],
            extra: vec![
                "NICKNAME:Johnny",
                "URL;TYPE=HOME:http://www.private-webpage.com",
                "X-SPOUSE:TheSpouse",
                "BDAY:1970-09-21",
                "X-ANNIVERSARY:1990-04-30",
                "PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEAYABgAAD/4QBoRXhpZgAASUkqAAgAAAAEABoBBQAB",
            ],
            ..Seen::default()
        }],
    );
}

#[test]
fn the_whole_corpus_in_one_file_round_trips() {
    let mut all = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
        .collect();
    names.sort();
    for p in names {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        all.extend(read_file(&name));
    }
    assert_eq!(all.len(), 25);
    round_trip("all files", &all);
}

// ---------------------------------------------------------------------------
// Round trip of arbitrary contacts

/// Characters that exercise the escaping, the folding and NFC.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            ',', ';', '\\', ':', '"', '=', '^', ' ', ' ', '/', '.', '-', '\'', '\t',
            'a', 'Z', '0', '9',
        ]),
        3 => prop::sample::select("ĐđăâêôơưÀÁẢÃẠằắẳẵặễệởợừứửữựỳỹ".chars().collect::<Vec<_>>()),
        2 => prop::sample::select("张伟阮氏红绒深圳华信科技有限公司关系".chars().collect::<Vec<_>>()),
        1 => prop::sample::select(vec!['\u{0301}', '\u{0323}', '\u{0303}', 'é', '😀', '€', '\u{00A0}', '\u{2028}']),
        2 => any::<char>().prop_map(|c| if c.is_control() { '·' } else { c }),
    ]
}

fn single_line() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..40).prop_map(|cs| clean(&cs.into_iter().collect::<String>()))
}

fn nonempty_line() -> impl Strategy<Value = String> {
    single_line().prop_map(|s| if s.is_empty() { "x".to_string() } else { s })
}

fn multi_line() -> impl Strategy<Value = String> {
    let ch = prop_oneof![6 => tricky_char(), 1 => Just('\n')];
    prop::collection::vec(ch, 0..160).prop_map(|cs| clean(&cs.into_iter().collect::<String>()))
}

/// RFC 6350 text escaping, as the writer does it.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace('\n', "\\n")
}

/// `extra` lines in the form `read` keeps them.
fn extra_line() -> impl Strategy<Value = String> {
    let group = prop::sample::select(vec!["", "item1.", "item27."]);
    let name = prop::sample::select(vec![
        "BDAY",
        "URL",
        "NICKNAME",
        "X-ABLabel",
        "X-PHONETIC-FIRST-NAME",
        "X-SKYPE",
        "IMPP",
        "ROLE",
        "UID",
    ]);
    let params = prop::sample::select(vec![
        "",
        ";TYPE=work",
        ";TYPE=HOME,pref",
        ";VALUE=date",
        ";X-SERVICE-TYPE=Skype",
        ";TYPE=\"a,b\"",
        ";LANGUAGE=vi;PREF=1",
    ]);
    let property = (group, name, params, nonempty_line()).prop_map(|(g, n, p, v)| format!("{g}{n}{p}:{}", escape(&v)));
    prop_oneof![
        6 => property,
        1 => Just("PHOTO:data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBg==".to_string()),
        1 => Just("ORG:Second Org;Unit".to_string()),
        1 => nonempty_line().prop_map(|v| format!("Stray text {v}").trim().to_string()),
        1 => nonempty_line(),
        1 => (prop::sample::select(vec!["EMAIL", "TEL", "FN", "N", "TITLE", "NOTE", "X-GUANXI-FIELD;KEY=k", "REV"]),
            single_line()).prop_map(|(n, v)| format!("{n}:{}", escape(&v))),
        1 => prop::sample::select(vec!["END:VCARD", "BEGIN:VCARD", "VERSION:3.0", "X-GUANXI-UNPARSED:x", "X-FOO:"])
            .prop_map(str::to_string),
    ]
}

fn contact() -> impl Strategy<Value = Contact> {
    let names = (
        single_line(),
        single_line(),
        single_line(),
        single_line(),
        single_line(),
        single_line(),
    );
    let lists = (
        prop::collection::vec(nonempty_line(), 0..4),
        prop::collection::vec(nonempty_line(), 0..4),
        prop::collection::vec(nonempty_line(), 0..3),
        prop::collection::vec(nonempty_line(), 0..4),
    );
    let more = prop::collection::btree_map("[a-z][a-z_]{0,10}", multi_line(), 0..3);
    let extra = prop::collection::vec(extra_line(), 0..6);
    (names, lists, multi_line(), more, extra).prop_map(
        |((name, given, middle, family, company, title), (emails, phones, addresses, tags), notes, more, extra)| {
            Contact {
                name,
                given,
                middle,
                family,
                company,
                title,
                emails,
                phones,
                addresses,
                notes,
                tags,
                more: more.into_iter().collect::<BTreeMap<_, _>>(),
                extra,
                line: 0,
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn write_then_read_gives_the_same_contacts(contacts in prop::collection::vec(contact(), 1..4)) {
        let text = vcard::write(&contacts);
        for line in text.split("\r\n") {
            prop_assert!(line.len() <= 75, "{} octets: {}", line.len(), line);
        }
        let back: Vec<Contact> = vcard::read(text.as_bytes())
            .into_iter()
            .map(|r| r.map_err(|e| TestCaseError::fail(format!("{e}\n{text}"))))
            .collect::<Result<_, _>>()?;
        prop_assert_eq!(without_lines(back), contacts, "{}", text);
    }
}

// ---------------------------------------------------------------------------
// Never panics

/// Lines that look like vCard, to be shuffled into "almost vCard".
fn almost_line() -> impl Strategy<Value = Vec<u8>> {
    let name = prop::sample::select(vec![
        "FN",
        "N",
        "ORG",
        "TEL",
        "EMAIL",
        "ADR",
        "NOTE",
        "CATEGORIES",
        "TITLE",
        "PHOTO",
        "KEY",
        "X-FOO",
        "item1.X-ABLabel",
        "item2.TEL",
        "AGENT",
        "X-GUANXI-FIELD",
        "X-GUANXI-UNPARSED",
        "VERSION",
        "fn",
        ".bad",
        "bad.",
        "a b",
    ]);
    let param = prop::sample::select(vec![
        ";ENCODING=QUOTED-PRINTABLE",
        ";QUOTED-PRINTABLE",
        ";CHARSET=UTF-8",
        ";CHARSET=ISO-8859-1",
        ";CHARSET=GBK",
        ";CHARSET=windows-1258",
        ";BASE64",
        ";ENCODING=b",
        ";TYPE=\"work,voice\"",
        ";TYPE=\"unterminated",
        ";WORK",
        ";VALUE=uri",
        ";VALUE=text",
        ";KEY=stage",
        ";KEY=\"a:b\"",
        ";;",
        ";=x",
        ";TYPE=a,,b",
        ";X-Q=\"\"",
    ]);
    let value = prop_oneof![
        prop::sample::select(vec![
            "=C3=91=20",
            "=",
            "=E9=",
            "=0D=0A",
            "=ZZ",
            "Ñ",
            "\\n",
            "\\,",
            "\\",
            "tel:+1",
            "tel:tel:2",
            "/9j/4AAQ",
            "a;b;c",
            "x,y",
            "",
            " ",
            "VCARD",
            "Nguyễn Thị",
            "张伟",
            "iVBORw0KGgo",
            "data:,x",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..12),
    ];
    let property = (
        name,
        prop::collection::vec(param, 0..3),
        prop::bool::weighted(0.9),
        value,
    )
        .prop_map(|(n, ps, colon, v)| {
            let mut line = n.as_bytes().to_vec();
            for p in ps {
                line.extend_from_slice(p.as_bytes());
            }
            if colon {
                line.push(b':');
            }
            line.extend(v);
            line
        });
    prop_oneof![
        2 => prop::sample::select(vec![
            "BEGIN:VCARD", "END:VCARD", "begin:vcard", "VERSION:2.1", "VERSION:4.0", " BEGIN:VCARD", "END:VCARD ",
            " folded", "\tmore", "=0D=0A=", "QUJD", "", "  ", "AGENT:",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        5 => property,
        1 => prop::collection::vec(any::<u8>(), 0..20),
    ]
}

fn almost_vcard() -> impl Strategy<Value = Vec<u8>> {
    let sep = prop::sample::select(vec!["\r\n", "\n", "\r", "\r\r\n"]);
    prop::collection::vec((almost_line(), sep), 0..40).prop_map(|lines| {
        let mut out = Vec::new();
        for (l, s) in lines {
            out.extend(l);
            out.extend_from_slice(s.as_bytes());
        }
        out
    })
}

fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn read_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        let cards = vcard::read(&bytes);
        let _ = vcard::looks_like(&bytes);
        for c in cards {
            let line = match &c { Ok(c) => c.line, Err(e) => e.line };
            prop_assert!(line >= 1 && line <= line_count(&bytes));
        }
    }

    /// Almost-vCard never makes `read` panic, and whatever it reads is a
    /// fixed point: written and read again, it comes back the same.
    #[test]
    fn read_never_panics_on_almost_vcard(bytes in almost_vcard()) {
        let cards = vcard::read(&bytes);
        let _ = vcard::looks_like(&bytes);
        for card in cards {
            let Ok(c) = card else { continue };
            prop_assert!(c.line >= 1 && c.line <= line_count(&bytes));
            let text = vcard::write(std::slice::from_ref(&c));
            let again = vcard::read(text.as_bytes());
            prop_assert_eq!(again.len(), 1, "{}", text);
            let Some(Ok(back)) = again.into_iter().next() else {
                return Err(TestCaseError::fail(format!("written card unreadable:\n{text}")));
            };
            prop_assert_eq!(without_lines(vec![back]), without_lines(vec![c]), "{}", text);
        }
    }
}
