//! Tables of every date form citecheck reads, with exact expected dates,
//! and the forms it must refuse.

use super::*;

fn ymd(y: i16, m: u8, d: u8) -> Option<CitedDate> {
    CitedDate::ymd(y, m, d)
}

fn ym(y: i16, m: u8) -> Option<CitedDate> {
    CitedDate::ym(y, m)
}

#[test]
fn text_forms_in_notes() {
    let cases = [
        ("27 October 2017", ymd(2017, 10, 27)),
        ("07 August 2017", ymd(2017, 8, 7)),
        ("5th of May 2019", ymd(2019, 5, 5)),
        ("October 27, 2017", ymd(2017, 10, 27)),
        ("Oct. 27, 2017", ymd(2017, 10, 27)),
        ("Oct 27 2017", ymd(2017, 10, 27)),
        ("Sept. 5, 2019", ymd(2019, 9, 5)),
        ("Sep 5, 2019", ymd(2019, 9, 5)),
        ("2017-10-27", ymd(2017, 10, 27)),
        ("2017/10/27", ymd(2017, 10, 27)),
        ("2017-10-27T10:00:00Z", ymd(2017, 10, 27)),
        ("2017-10-27T10:00+02:00", ymd(2017, 10, 27)),
        ("27.10.2017", ymd(2017, 10, 27)),
        ("10/27/2017", ymd(2017, 10, 27)),
        ("05/05/2017", ymd(2017, 5, 5)),
        ("July 2013", ym(2013, 7)),
        ("Dec. 2001", ym(2001, 12)),
        ("2017年10月27日", ymd(2017, 10, 27)),
        ("2017 年 10 月 27 日", ymd(2017, 10, 27)),
        ("2017年10月", ym(2017, 10)),
    ];
    for (text, want) in cases {
        let note = format!("Someone. \"A Title.\" *Venue*, {text}.");
        assert_eq!(publication_date(&note), want, "{text}");
        assert_eq!(parse_date(text), want, "field {text}");
    }
    assert_eq!(
        publication_date("发布于2017年10月27号。"),
        ymd(2017, 10, 27)
    );
}

#[test]
fn refused_forms() {
    for text in [
        "03/04/2017",
        "04.03.17",
        "2017",
        "(2010)",
        "Analysis and Forecast on China's Informatisation (2010)",
        "31 February 2017",
        "2017-13-01",
        "32 May 2019",
        "may 2019",
        "Mayor 2019",
        "12017-10-27",
        "2017-10-270",
        "27 October 0999",
        "14 March 2101",
        "",
    ] {
        assert_eq!(publication_date(text), None, "{text}");
    }
}

#[test]
fn access_dates() {
    let cases = [
        ("Accessed 5 May 2019", ymd(2019, 5, 5)),
        ("(accessed May 5, 2019)", ymd(2019, 5, 5)),
        ("accessed on 2019-05-05", ymd(2019, 5, 5)),
        ("retrieved 5 May 2019", ymd(2019, 5, 5)),
        ("Retrieved on May 5, 2019.", ymd(2019, 5, 5)),
        ("Last accessed: 5 May 2019", ymd(2019, 5, 5)),
        ("Access date: 2019/05/05", ymd(2019, 5, 5)),
        ("[Accessed: 5 May 2019]", ymd(2019, 5, 5)),
        ("访问日期：2019-05-05", ymd(2019, 5, 5)),
        ("[引用日期2019-05-05]", ymd(2019, 5, 5)),
        ("访问日期: 2019年5月5日", ymd(2019, 5, 5)),
        ("Accessed March 2020", ym(2020, 3)),
    ];
    for (text, want) in cases {
        let note = format!("Title, *Venue*, 1 January 2001. http://x.org/a {text}");
        assert_eq!(access_date(&note), want, "{text}");
        assert_eq!(cited(&note, "http://x.org/2010/01/02/a"), want, "{text}");
        assert_eq!(publication_date(&note), ymd(2001, 1, 1), "{text}");
    }
    assert_eq!(access_date("Accessed the archive in 5 May 2019"), None);
    assert_eq!(access_date("Published 5 May 2019"), None);
}

#[test]
fn the_last_date_in_a_note_is_the_publication_date() {
    let note = "Report of 3 March 2010 meeting, *Gazette*, 6 March 2010. Accessed 1 April 2012.";
    assert_eq!(publication_date(note), ymd(2010, 3, 6));
    assert_eq!(access_date(note), ymd(2012, 4, 1));
    assert_eq!(cited(note, "http://x.org/"), ymd(2012, 4, 1));
}

#[test]
fn seed_document_notes() {
    let n115 = "Newspaper Commentator, “Research Soft Science in order to promote Democratic and Scientific Decision-Making [研究软科学，促进决策民主化科学化]” *The People's Daily*, 27 July 1986. <http://www.laoziliao.net/rmrb/1986-07-26-3#733575>";
    assert_eq!(
        cited(n115, "http://www.laoziliao.net/rmrb/1986-07-26-3#733575"),
        ymd(1986, 7, 27)
    );
    let n135 = "For instance, see: China Electronics Standardization Institute. \"China Smart City Standardisation White Paper [中国智慧城市标准化白皮书]\" July 2013. [http://www.cac.gov.cn/2014-09/28/c\\\\_1112661626.htm](http://www.cac.gov.cn/2014-09/28/c_1112661626.htm)";
    assert_eq!(
        cited(n135, "http://www.cac.gov.cn/2014-09/28/c_1112661626.htm"),
        ym(2013, 7)
    );
    let n112 = "Authorized Release: \"Excerpts of Xi Jinping's Thoughts on Science and Technology Innovation\" (1) Innovation is the Main Driving Force Leading Progress [授权发布: “习近平关于科技创新论述摘编” (1) 创新是引领发展的第一动力] *People's Network*, 1 March 2016. <http://theory.people.com.cn/n1/2016/0311/c402884-28192542.html>";
    assert_eq!(
        cited(
            n112,
            "http://theory.people.com.cn/n1/2016/0311/c402884-28192542.html"
        ),
        ymd(2016, 3, 1)
    );
    let n119 = "The World Bank. “e-Government.” <http://www.worldbank.org/en/topic/ict/brief/e-government>.";
    assert_eq!(
        cited(
            n119,
            "http://www.worldbank.org/en/topic/ict/brief/e-government"
        ),
        None
    );
    let n113 = "Wei Liqun. “The Party’s 18 Great New Headways in Societal Governance [党的十八大以来社会治理的新进展]. *Guangming Daily*. 07 August 2017. [http://www.cctb.net/llyj/xswtyj/ggzl/201708/t20170808\\\\_356556.htm](http://www.cctb.net/llyj/xswtyj/ggzl/201708/t20170808_356556.htm)";
    assert_eq!(cited(n113, "http://x.org/"), ymd(2017, 8, 7));
    // A URL alone gives the date when the note gives none.
    assert_eq!(
        cited(
            "Title only.",
            "http://theory.people.com.cn/n1/2016/0311/c402884-28192542.html"
        ),
        ymd(2016, 3, 11)
    );
}

#[test]
fn url_dates() {
    let cases = [
        (
            "http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c_1121867529.htm",
            ymd(2017, 10, 27),
        ),
        ("http://x.org/2017/10/27/story", ymd(2017, 10, 27)),
        ("http://x.org/news/2017-10-27", ymd(2017, 10, 27)),
        (
            "http://www.cctb.net/llyj/xswtyj/ggzl/201708/t20170808_356556.htm",
            ymd(2017, 8, 8),
        ),
        (
            "http://epaper.gmw.cn/gmrb/html/2017-04/10/nw.D110000gmr_b_20170410_3-11.htm",
            ymd(2017, 4, 10),
        ),
        ("http://x.org/a/20170410", ymd(2017, 4, 10)),
        ("http://x.org/a_20170410_b.htm", ymd(2017, 4, 10)),
        (
            "http://theory.people.com.cn/n1/2016/0311/c402884-28192542.html",
            ymd(2016, 3, 11),
        ),
        (
            "http://www.qsttheory.cn/dukan/hqwg/2014-09/10/c_1112427212.htm",
            ymd(2014, 9, 10),
        ),
        (
            "http://www.laoziliao.net/rmrb/1986-07-26-3#733575",
            ymd(1986, 7, 26),
        ),
        (
            "http://www.people.com.cn/GB/shehui/43/20010822/540826.html",
            ymd(2001, 8, 22),
        ),
        (
            "http://theory.southcn.com/llzhuanti/znl/ltt/200506080733.htm",
            ymd(2005, 6, 8),
        ),
        ("http://x.org/2017/10/", ym(2017, 10)),
        ("http://x.org/2017-10/index.htm", ym(2017, 10)),
        ("http://x.org/201708/index.htm", ym(2017, 8)),
        ("http://x.org/a?date=2019-05-05", ymd(2019, 5, 5)),
        // Impossible or implausible: no date.
        ("http://x.org/2017/13/01/a", None),
        ("http://x.org/2017/02/30/a", None),
        ("http://x.org/20170230", None),
        ("http://x.org/19850410", None),
        ("http://x.org/20400410", None),
        ("http://x.org/GB/5242834.html", None),
        ("http://x.org/c_1121867529.htm", None),
        ("http://x.org/201799999999.htm", None),
        ("http://x.org/id/123456/a", None),
        ("http://20170410.org/", None),
        ("http://x.org/2017/", None),
        ("http://x.org", None),
        ("", None),
    ];
    for (url, want) in cases {
        assert_eq!(url_date(url), want, "{url}");
    }
    // Runs of digits are held to the web era; separated dates reach back to 1900.
    assert_eq!(url_date("http://x.org/19860726"), None);
    assert_eq!(url_date("http://x.org/1899-07-26"), None);
}

#[test]
fn structured_fields() {
    let cases = [
        ("2005", CitedDate::y(2005)),
        (" 2005 ", CitedDate::y(2005)),
        ("2005-03", ym(2005, 3)),
        ("2005/3", ym(2005, 3)),
        ("2005年", CitedDate::y(2005)),
        ("2019-05-05", ymd(2019, 5, 5)),
        ("2019-05-05T10:00:00Z", ymd(2019, 5, 5)),
        ("5 May 2019", ymd(2019, 5, 5)),
        ("May 5, 2019.", ymd(2019, 5, 5)),
        ("2005-13", None),
        ("0999", None),
        ("5 May 2019 and 6 May 2019", None),
        ("around 2005", None),
        ("03/04/2017", None),
        ("", None),
    ];
    for (field, want) in cases {
        assert_eq!(parse_date(field), want, "{field:?}");
    }
}

#[test]
fn dates_inside_urls_in_the_note_are_not_publication_dates() {
    let note = "Title. http://x.org/2017-10-27/a and <https://y.org/2019/05/05/a>";
    assert_eq!(publication_date(note), None);
}

#[test]
fn linear_on_a_long_note() {
    let note = "Accessed 1 May 2019; 12 ".repeat(50_000);
    assert_eq!(access_date(&note), ymd(2019, 5, 1));
    assert_eq!(publication_date(&note), None);
}

#[test]
fn reading_a_match_agrees_with_its_captures() {
    let text = "27 October 2017, October 27, 2017; Oct. 27, 2017 2017-10-27 27.10.2017 \
                July 2013 2017年10月27日 2017 年 10 月 5th of May 2019 Sept. 3rd, 2001 \
                10/27/2017 03/04/2017 04/04/2017 31 February 2019 2019-02-30 \
                1999-12-31T23:59:59+08:00 2017年10月 3 Jan 0999 1 Dec 2101 May 2019 \
                2016-3-5 12.12.2012 2020年2月30号";
    let mut n = 0;
    for m in DATE.find_iter(text) {
        n += 1;
        let by_captures = DATE.captures(m.as_str()).and_then(|c| from_captures(&c));
        assert_eq!(from_match(m.as_str()), by_captures, "{:?}", m.as_str());
    }
    assert!(n >= 20, "{n} matches");
}

#[test]
fn the_scanner_agrees_with_the_regex() {
    const TOKENS: &[&str] = &[
        "May",
        "Sept",
        "Sep",
        "September",
        "Oct",
        "October",
        "Mayo",
        "of",
        "th",
        "st",
        "5",
        "05",
        "27",
        "123",
        "2019",
        "1999",
        "0999",
        "2101",
        "20190",
        "-",
        "/",
        ".",
        ",",
        " ",
        "  ",
        "\t",
        "Title",
        "x",
        "(",
        ")",
        "T12:00",
        "T",
        "_",
        "5th",
        "May5",
        "\u{a0}",
        "年",
        "月",
        "5.",
        "https://a.org/2019/05/05/x",
        "www.b.org/1999-12-31",
        "Accessed",
    ];
    let mut rng = fastrand::Rng::with_seed(0xda7e);
    let mut dated = 0;
    for _ in 0..100_000 {
        let n = rng.usize(1..12);
        let mut note = String::new();
        for _ in 0..n {
            note.push_str(TOKENS[rng.usize(..TOKENS.len())]);
            if rng.bool() {
                note.push(' ');
            }
        }
        // The fast path also steps over a trailing URL without reading it.
        let fast = last_date_with(&note, &[], true);
        let slow = last_date_with(&note, &[], false);
        assert_eq!(fast, slow, "{note:?}");
        dated += usize::from(fast.is_some());
    }
    assert!(dated > 2_000, "only {dated} notes had a date");
}

#[test]
fn the_access_prefilter_passes_every_text_the_keyword_regex_matches() {
    let phrases = [
        "Accessed",
        "ACCESSED ON",
        "last accessed",
        "Retrieved",
        "retrieved on",
        "Viewed",
        "visited",
        "Consulted",
        "downloaded",
        "access date",
        "Access on",
        "accessed date",
        "date of access",
        "Date accessed",
        "访问日期",
        "访问时间",
        "访问于",
        "检索日期",
        "引用日期",
        "浏览日期",
        "获取日期",
        "查看日期",
        "最后访问",
    ];
    for phrase in phrases {
        for text in [
            format!("{phrase} 5 May 2019"),
            format!("A. Author, \"Title\" ({phrase}: 2019-05-05). https://a.org/x"),
            format!("{} {phrase}", "x".repeat(70)),
        ] {
            assert!(ACCESS.is_match(&text), "{text}");
            assert!(may_have_access_word(&text), "{text}");
        }
    }
    for text in [
        "A. Author, \"Title\", 5 May 2019. https://citecheck.org/a",
        "",
        "acces",
        "日",
    ] {
        assert!(!may_have_access_word(text), "{text}");
    }
}
