//! The seed document (an essay converted from PDF to Markdown) must yield
//! exactly its 17 footnote citations, each with its label, repaired URL, line
//! and cited date — and nothing else.

use citecheck::{extract::extract, input, CitationKind};

const SEED: &str = include_str!("../../fixtures/converted/seed-essay.txt");

#[rustfmt::skip]
const EXPECTED: &[(&str, usize, &str, Option<&str>)] = &[
    ("108", 21, "http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c_1121867529.htm", Some("2017-10-27")),
    ("109", 23, "http://epaper.gmw.cn/gmrb/html/2017-04/10/nw.D110000gmr_b_20170410_3-11.htm", Some("2017-04-10")),
    ("110", 39, "http://www.qsttheory.cn/dukan/hqwg/2014-09/10/c_1112427212.htm", Some("2014-09-10")),
    ("111", 41, "https://www.reuters.com/article/us-china-economy-technology/china-to-invest-15-billion-in-big-data-cloud-computing-over-next-five-years-idUSKCNILZ17S", Some("2018-09-19")),
    ("112", 43, "http://theory.people.com.cn/n1/2016/0311/c402884-28192542.html", Some("2016-03-01")),
    ("113", 59, "http://www.cctb.net/llyj/xswtyj/ggzl/201708/t20170808_356556.htm", Some("2017-08-07")),
    ("114", 75, "http://www.china.com.cn/policy/txt/2011-03/16/content_22156007.htm", Some("2011-03-16")),
    ("115", 79, "http://www.laoziliao.net/rmrb/1986-07-26-3#733575", Some("1986-07-27")),
    ("116", 81, "http://scitech.people.com.cn/GB/5242834.html", Some("2007-01-04")),
    ("117", 85, "http://www.qstheory.cn/dukan/qs/2018-02/15/c_1122402297.htm", Some("2018-02-15")),
    ("119", 99, "http://www.worldbank.org/en/topic/ict/brief/e-government", None),
    ("127", 139, "http://www.people.com.cn/GB/shehui/43/20010822/540826.html", Some("2001-08-22")),
    ("128", 141, "https://rnr.com.cn/simple/?t1295238.html", Some("2002-08-14")),
    ("131", 159, "http://theory.southcn.com/llzhuanti/znl/ltt/200506080733.htm", Some("2005-06-04")),
    ("132", 161, "http://www.xinhuanet.com/politics/2017-03/24/c_1120691230.htm", Some("2017-03-24")),
    ("134", 167, "http://www.chinadaily.com.cn/china/2017-09/20/content_32225951.htm", Some("2017-09-20")),
    ("135", 169, "http://www.cac.gov.cn/2014-09/28/c_1112661626.htm", Some("2013-07")),
];

#[test]
fn seed_is_detected_as_converted_whatever_its_extension() {
    for name in ["seed.txt", "seed.md"] {
        let format = input::detect_format(Some(std::path::Path::new(name)), SEED);
        assert_eq!(format, citecheck::Format::Converted, "{name}");
    }
}

#[test]
fn seed_yields_exactly_its_17_footnote_citations() {
    let citations = extract("seed.txt", SEED, citecheck::Format::Converted);
    let got: Vec<(String, usize, String, Option<String>)> = citations
        .iter()
        .map(|c| {
            (
                c.footnote.clone().unwrap_or_default(),
                c.line,
                c.url.clone(),
                c.cited.map(|d| d.to_string()),
            )
        })
        .collect();
    let want: Vec<(String, usize, String, Option<String>)> = EXPECTED
        .iter()
        .map(|(l, line, url, cited)| {
            (
                l.to_string(),
                *line,
                url.to_string(),
                cited.map(String::from),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert!(citations.iter().all(|c| c.kind == CitationKind::Footnote));
}

#[test]
fn seed_links_keep_exact_spans_and_report_repairs() {
    let citations = extract("seed.txt", SEED, citecheck::Format::Converted);
    let first = &citations[0];
    // `[U](U)`: one citation, the span is the link target, the text span the escaped text.
    assert_eq!(&SEED[first.span.clone()], first.url);
    let text = &SEED[first.text_span.clone().expect("link text repeats the URL")];
    assert_eq!(
        text,
        "http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c\\\\_1121867529.htm"
    );
    assert!(first
        .context
        .as_deref()
        .unwrap_or("")
        .contains("Xinhua, 27 October 2017"));
    // Angle-bracket links: the span excludes the brackets.
    let n111 = &citations[3];
    assert_eq!(&SEED[n111.span.clone()], n111.url);
    assert_eq!(&SEED[n111.element.clone()], format!("<{}>", n111.url));
    assert_eq!(n111.column, 141);
}
