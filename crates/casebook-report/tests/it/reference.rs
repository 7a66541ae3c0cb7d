//! Every number of the abstract, read from report.json of the reference study.

use casebook_report::model::SentencePart;

use crate::{assert_proportion, report_of, repository};

#[test]
fn report_json_reproduces_every_number_of_the_abstract() {
    let (report, dir) = report_of(&repository().join("studies/was-anti-il1"));
    let count = |id: &str| report.statistic(id).unwrap_or_else(|| panic!("{id} missing")).numerator;

    // Seven patients from four centers in Italy and the UK; Zhu score severe in all.
    assert_eq!(count("cohort.patients"), 7);
    assert_eq!(count("cohort.centers"), 4);
    assert_eq!(count("cohort.countries"), 2);
    assert_proportion(&report, "cohort.zhu.severe", 7, 7);

    // Eczema 7/7; inflammatory cutaneous involvement other than eczema 5/7: PG 1, erysipelas-like 2, vasculitis 2.
    assert_proportion(&report, "manifestation.group.eczema", 7, 7);
    assert_proportion(&report, "manifestation.group.inflammatory-cutaneous", 5, 7);
    assert_proportion(&report, "manifestation.term.HP:0025452", 1, 7);
    assert_proportion(&report, "manifestation.term.HP:0033622", 2, 7);
    assert_proportion(&report, "manifestation.term.HP:0200029", 2, 7);
    // Joints 4/7, IBD 4/7, prominent fever 2/7.
    assert_proportion(&report, "manifestation.group.inflammatory-joint", 4, 7);
    assert_proportion(&report, "manifestation.group.ibd", 4, 7);
    assert_proportion(&report, "manifestation.group.prominent-fever", 2, 7);
    assert_proportion(&report, "manifestation.category.systemic", 2, 7);
    // HPO is-a propagation: the two patients with vasculitis in the skin count for the Vasculitis
    // category (HP:0002633); only they were assessed for vasculitis as a whole, so N is 2.
    assert_proportion(&report, "manifestation.category.vasculitis", 2, 2);
    let vasculitis = &report.statistic("manifestation.category.vasculitis").unwrap().patients;
    assert_eq!(vasculitis, &report.statistic("manifestation.term.HP:0200029").unwrap().patients);

    // Systemic corticosteroids 7/7, only partially effective in most.
    assert_proportion(&report, "treatment.steroids.exposed", 7, 7);
    assert!(count("treatment.steroids.response.partial") >= 4);

    // Anakinra 7/7 from 2 months to 34 years, 2-5 mg/kg/day where known, very good or complete
    // response 7/7, steroids discontinued 7/7, no significant adverse event.
    assert_proportion(&report, "treatment.anakinra.exposed", 7, 7);
    let age = report.statistic("treatment.anakinra.age-at-start").unwrap();
    assert_eq!((age.min, age.max, age.unit.as_str()), (Some(2.0), Some(408.0), "months"));
    let dose = report.statistic("treatment.anakinra.dose-mg-per-kg-per-day").unwrap();
    assert_eq!((dose.min, dose.max), (Some(2.0), Some(5.0)));
    assert!(dose.numerator < 7 && dose.numerator >= 5, "dose data for {} of 7", dose.numerator);
    assert_proportion(&report, "treatment.anakinra.response.very-good-or-complete", 7, 7);
    assert_proportion(&report, "treatment.anakinra.steroids-discontinued", 7, 7);
    assert_proportion(&report, "treatment.anakinra.adverse-events.significant", 0, 7);

    // Gene therapy 5, HSCT 2; anakinra after gene therapy in none, after HSCT in both; mixed
    // myeloid chimerism 2/2; both switched to canakinumab with a good response.
    assert_proportion(&report, "definitive.gene-therapy", 5, 7);
    assert_proportion(&report, "definitive.hsct", 2, 7);
    assert_proportion(&report, "definitive.gene-therapy.anakinra-after", 0, 5);
    assert_proportion(&report, "definitive.hsct.anakinra-after", 2, 2);
    assert_proportion(&report, "definitive.hsct.myeloid-chimerism.mixed", 2, 2);
    assert_proportion(&report, "treatment.anakinra.switch.canakinumab", 2, 7);
    assert_proportion(&report, "treatment.canakinumab.exposed", 2, 7);
    assert_proportion(&report, "treatment.canakinumab.response.good", 2, 2);

    // The results paragraph says it in the abstract's words, each number linked to a statistic.
    let text: String = report
        .results_paragraph
        .iter()
        .map(|sentence| {
            sentence
                .parts
                .iter()
                .map(|part| match part {
                    SentencePart::Text { text } | SentencePart::Number { text, .. } | SentencePart::Term { text, .. } => text.as_str(),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "7 patients were identified in 4 centers in Italy and the United Kingdom.",
        "Inflammatory cutaneous involvement other than eczema was present in 5/7 patients and included pyoderma gangrenosum (n=1)",
        "Inflammatory joint involvement and inflammatory bowel disease were present in 4 of 7 patients each.",
        "All 7 patients received anakinra, at ages from 2 months to 34 years, with a very good or complete response in all 7 patients, allowing corticosteroid discontinuation in all 7 patients.",
        "Doses of anakinra ranged between 2 and 5 mg/kg/day in the 6 of 7 patients with available data.",
        "No serious or grade 3 or higher adverse event of anakinra was recorded (0/7 patients).",
        "Definitive treatment was gene therapy in 5/7 patients and HSCT in 2/7.",
        "Treatment after HSCT: systemic corticosteroids in both patients, anakinra in both patients and canakinumab in both patients.",
        "No patient received systemic corticosteroids, anakinra or canakinumab after gene therapy (0/5).",
        "Myeloid chimerism at the last assessment was mixed in both patients after HSCT.",
        "2/7 patients were switched from anakinra to canakinumab, with a good response in both patients.",
    ] {
        assert!(text.contains(expected), "the paragraph lacks `{expected}`:\n{text}");
    }
    for part in report.results_paragraph.iter().flat_map(|s| s.parts.iter()) {
        if let SentencePart::Number { statistic, .. } = part {
            assert!(report.statistic(statistic).is_some(), "the paragraph links to a missing statistic {statistic}");
        }
    }

    // The constructed-data label is in every output.
    let label = "constructed to match the published aggregate figures; not real patient data";
    for file in ["report.html", "report.json", "figure-1-swimmer.svg", "figure-2-phenotype-grid.svg"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(text.contains(label), "{file} lacks the constructed-data label");
    }
}

#[test]
fn the_html_report_is_self_contained() {
    let (_, dir) = report_of(&repository().join("studies/was-anti-il1"));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for forbidden in ["src=\"http", "href=\"http", "@import", "<script src", "<link "] {
        assert!(!html.contains(forbidden), "report.html makes an external request: {forbidden}");
    }
    assert!(html.contains("<svg"), "figures are inline");
    assert!(html.contains("HPO release 2025-01-16"));
    assert!(html.contains("Wilson"));
}

#[test]
fn every_figure_is_legible_with_a_legend_and_axis_titles() {
    let folder = repository().join("studies/was-anti-il1");
    let study = casebook_formats::native::folder::read_study_folder(&folder).unwrap();
    let report = casebook_report::build_report(&study.study, &study.patients, casebook_hpo::Hpo::embedded());
    let expected: &[(&str, &[&str])] = &[
        ("figure-swimmer", &["Age (years)", "Systemic corticosteroids", "Anakinra", "Canakinumab", "Gene therapy", "HSCT", "WAS-IT2-02"]),
        ("figure-phenotype-grid", &["Present", "Not assessed", "Inflammatory joint involvement", "WAS-GB1-01"]),
        ("figure-crp", &["Months from the start of anakinra", "C-reactive protein (mg/L)", "WAS-IT1-01"]),
        ("figure-chimerism", &["Years from HSCT", "Myeloid donor chimerism (%)", "Full (≥95 %)"]),
    ];
    assert_eq!(report.figures.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), expected.iter().map(|(id, _)| *id).collect::<Vec<_>>());
    for (figure, (id, texts)) in report.figures.iter().zip(expected) {
        assert!(figure.layout_problems.is_empty(), "{id}: {:?}", figure.layout_problems);
        for text in *texts {
            assert!(figure.svg.contains(&text.replace('&', "&amp;")), "{id} lacks `{text}`");
        }
    }
}
