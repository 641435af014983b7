//! The README documents what the code does: every repair rule, every format.

const README: &str = include_str!("../../README.md");

#[test]
fn every_repair_rule_is_documented() {
    for (name, _) in citecheck::repair::RULES {
        assert!(
            README.contains(&format!("| `{name}` |")),
            "README lacks repair rule {name}"
        );
    }
}

#[test]
fn every_format_is_documented() {
    for format in citecheck::Format::ALL {
        assert!(
            README.contains(&format!("| `{}` |", format.name())),
            "README lacks format {format}"
        );
    }
}

#[test]
fn first_screen_has_the_two_setup_commands() {
    let first_screen: String = README.lines().take(25).collect::<Vec<_>>().join("\n");
    assert!(
        first_screen.contains("cargo run --release -- extract fixtures/converted/seed-essay.txt")
    );
    assert!(first_screen.contains("cargo test"));
    assert!(std::path::Path::new("fixtures/converted/seed-essay.txt").exists());
}
