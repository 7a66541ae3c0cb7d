//! The command line, as clap structs. Only what the user typed is checked here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "casebook",
    version,
    about = "A registry and analysis workbench for multi-center case series in rare immune disease",
    long_about = "Casebook keeps pseudonymous, ontology-coded case records (HPO phenotypes, MONDO diagnoses, \
HGVS genotypes, treatment courses, responses, adverse events, gene therapy and HSCT), checks them \
against clinical rules, and exchanges them as study folders.\n\n\
The registry is a SQLite file by default (sqlite://casebook.db); a shared multi-center registry \
runs on PostgreSQL (postgres://user@host/db).",
    after_help = "Examples:\n  casebook demo\n  casebook import studies/was-anti-il1\n  casebook validate studies/was-anti-il1\n  \
casebook export --study was-anti-il1 --out exported/\n  casebook report --study was-anti-il1 --out report/\n  casebook zhu --eczema difficult-to-control --infections recurrent\n  \
casebook audit verify\n  casebook user add admin --role administrator\n  casebook serve"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// The registry: sqlite://FILE (created if missing) or postgres://USER@HOST/DB
    #[arg(long, env = "CASEBOOK_DATABASE", default_value = casebook_store::DEFAULT_DATABASE_URL, global = true)]
    pub database: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a study folder, or phenopackets (a file, a folder or a zip), into the registry, all or nothing
    #[command(
        after_help = "Examples:\n  casebook import studies/was-anti-il1\n  casebook import my-study --database postgres://postgres@127.0.0.1/casebook\n  \
casebook import cases.zip --study was-anti-il1 --center IT1\n  \
casebook import phenopacket-store/ --study rare --findings-csv findings.csv   (every warning in a spreadsheet)\n\n\
Every file is checked first; if any has an error, all problems are listed with their file and JSON path and nothing is stored. \
Phenopackets go into a study already in the registry, at the center given; what a Casebook record cannot hold is kept verbatim \
with it and listed, so that exporting the unchanged record gives the phenopacket back. A Family's proband and relatives, and a \
Cohort's members, are each a patient; what of the Family or Cohort itself no record keeps (its id, pedigree, description...) is \
named."
    )]
    Import {
        /// A study folder (with study.toml), or a phenopacket file, folder of phenopackets or zip
        path: PathBuf,
        /// For phenopackets: the study to import into
        #[arg(long)]
        study: Option<String>,
        /// For phenopackets: the center the patients belong to
        #[arg(long)]
        center: Option<String>,
        /// Also write every error, warning and note, with its file and place, to this CSV file
        /// (a row each, for a spreadsheet), whether or not the import goes ahead
        #[arg(long, value_name = "FILE")]
        findings_csv: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Export a study from the registry: a study folder, phenopackets or a FHIR R4 bundle
    #[command(after_help = "Examples:\n  casebook export --study was-anti-il1 --out exported/was-anti-il1\n  \
casebook export --format phenopackets --out was.zip\n  casebook export --format fhir --out was-bundle.json\n  \
casebook export --out exported/was-anti-il1 --replace   (again, replacing that export)")]
    Export {
        /// The study to export (may be left out when the registry holds one study)
        #[arg(long)]
        study: Option<String>,
        /// native (a study folder), phenopackets (a folder, or a .zip) or fhir (one Bundle file)
        #[arg(long, default_value = "native", value_parser = ["native", "phenopackets", "fhir"])]
        format: String,
        /// The folder or file to write. A folder must be new or empty (see --replace); a file is
        /// replaced
        #[arg(long)]
        out: PathBuf,
        /// Replace an earlier export in the --out folder with this one, so that no patient of the
        /// earlier export stays behind. A folder holding anything an export does not write is
        /// never replaced
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Run every rule over a study folder, phenopackets or a stored study and print errors and warnings
    #[command(
        after_help = "Examples:\n  casebook validate studies/was-anti-il1\n  casebook validate --study was-anti-il1\n  casebook validate case.json\n  \
casebook validate phenopacket-store/          (every .json file under the folder)\n  casebook validate cases.zip\n  \
casebook validate cases.zip --findings-csv findings.csv   (and each finding as a row of a CSV file)\n  \
casebook validate --study was-anti-il1 --findings-csv queries.csv   (the pooled registry's, by patient and center)\n\n\
Exit code 0: no errors (warnings may be printed); 1: errors found; 2: the check could not run."
    )]
    Validate {
        /// A study folder, or phenopackets: a file, a folder (every .json file under it) or a zip.
        /// Without it, the stored study named by --study is checked
        path: Option<PathBuf>,
        /// A study in the registry
        #[arg(long, conflicts_with = "path")]
        study: Option<String>,
        /// Also write every error, warning and note to this CSV file (a row each, for a
        /// spreadsheet), with its file and place, or for a stored study its patient, center and
        /// place
        #[arg(long, value_name = "FILE")]
        findings_csv: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Write the case-series report of a study (HTML, JSON, CSV, SVG), or check a saved one
    #[command(after_help = "Examples:\n  casebook report --study was-anti-il1 --out report/\n  casebook report --verify report/\n\n\
The report folder holds report.html (self-contained; print it to PDF from a browser), report.json (every statistic with its definition, \
numerator, denominator and patients), one CSV per table and one SVG per figure. --verify recomputes the report from the registry and says \
whether the data, the configuration and every number still match.")]
    Report {
        /// The study to report on (may be left out when the registry holds one study)
        #[arg(long)]
        study: Option<String>,
        /// The folder to write the report to
        #[arg(long, required_unless_present = "verify")]
        out: Option<PathBuf>,
        /// Check a saved report folder against the registry instead of writing one
        #[arg(long, conflicts_with_all = ["out", "study"])]
        verify: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Look up Human Phenotype Ontology terms (the release vendored in Casebook)
    #[command(subcommand)]
    Hpo(HpoCommand),
    /// List the studies in the registry
    Studies {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Compute the Zhu WAS clinical score from a clinical profile
    #[command(after_help = "Examples:\n  casebook zhu --eczema difficult-to-control --infections recurrent\n  \
casebook zhu --eczema persistent --infections recurrent --autoinflammation\n  \
casebook zhu --thrombocytopenia intermittent\n\n\
The rule follows the Ochs 2009 refinement of Zhu's table as a profile rule: the worse of the eczema and infection levels sets the score 1-4; \
autoimmunity or malignancy gives 5 (5A, 5M, 5AM).")]
    Zhu(ZhuArgs),
    /// Check the audit trail's hash chain, or list its events
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Add users of the web application, set their passwords, disable them
    #[command(subcommand)]
    User(UserCommand),
    /// Serve the multi-center web application (pages and JSON API) on a registry
    #[command(
        after_help = "Examples:\n  casebook serve\n  casebook serve --listen 0.0.0.0:8440 --database postgres://casebook@db.example.org/casebook\n\n\
Add the first administrator with `casebook user add admin --role administrator` before logging in. \
The session cookie is sent only over HTTPS unless the server listens on a loopback address: put a TLS proxy in front of a shared server \
(it must pass the Host and Origin headers through unchanged)."
    )]
    Serve {
        /// The address and port to listen on
        #[arg(long, default_value = "127.0.0.1:8440")]
        listen: std::net::SocketAddr,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Create a registry with the reference study, write its report and serve it with demo accounts
    #[command(after_help = "Examples:\n  casebook demo\n  casebook demo --out /tmp/casebook-demo --no-serve\n\n\
The demo prints the address to open and one account per role and per center, with fresh passwords. \
The reference study was-anti-il1 has seven constructed patients that match the published aggregate figures; they are not real patients.")]
    Demo {
        /// The folder for the demo registry and the study files (replaced if it holds an old demo)
        #[arg(long, default_value = "casebook-demo")]
        out: PathBuf,
        /// Only create the registry and the report; do not serve
        #[arg(long)]
        no_serve: bool,
        /// The address and port to serve on (port 0 picks a free one)
        #[arg(long, default_value = "127.0.0.1:8440")]
        listen: std::net::SocketAddr,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and name the first changed, missing or reordered event
    #[command(
        after_help = "Examples:\n  casebook audit verify\n  casebook audit verify --database postgres://postgres@127.0.0.1/casebook\n\n\
Every change, login and export is an event in the audit_event table, which the database refuses to update or delete. \
Each event holds the SHA-256 of the one before it, so an event changed, removed or moved behind the database's back \
(a dropped trigger, a file edited by hand) breaks the chain. Exit code 0: the chain is intact; 1: it is broken, and the \
first broken event is named; 2: the check could not run. Keep the last hash printed somewhere else: a chain cannot show \
that its newest events were removed."
    )]
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List audit events, oldest first: who changed what, when and why
    #[command(after_help = "Examples:\n  casebook audit log\n  casebook audit log --record patient/WAS-IT1-01\n  \
casebook audit log --record user/admin --limit 20\n  casebook audit log --json > audit-trail.jsonl\n\n\
Records are named patient/PSEUDONYM, study/STUDY-ID and user/USERNAME. Fields are JSON paths into the record, such as \
$.courses[1].dose.value; values are shown JSON-encoded, and - means absent.")]
    Log {
        /// Only the events about this record, e.g. patient/WAS-IT1-01
        #[arg(long)]
        record: Option<String>,
        /// Only the newest N events (all when left out)
        #[arg(long)]
        limit: Option<u64>,
        /// One JSON object per line, every value whole, with each event's hashes, so that an
        /// inspector can recompute the chain without Casebook; instead of the table, which cuts
        /// long values short
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// The roles a user may have, as typed.
const ROLES: [&str; 4] = ["administrator", "coordinator", "center-lead", "data-entry"];

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password comes from CASEBOOK_PASSWORD or is asked for on the terminal
    #[command(
        after_help = "Examples:\n  casebook user add admin --role administrator\n  casebook user add lead.it1 --role center-lead --center IT1\n  \
CASEBOOK_PASSWORD=\"$(cat secret.txt)\" casebook user add entry.gb1 --role data-entry --center GB1\n\n\
A username is 2 to 64 lowercase letters, digits, dots, hyphens or underscores; no names or e-mail addresses are stored. \
Center leads and data entry work at one center (--center); administrators and coordinators at none. A password has at \
least 12 characters. It is stored only as an Argon2id hash, and the audit trail records that it was set, never what it is."
    )]
    Add {
        /// The new user's username, e.g. lead.it1
        username: String,
        /// What the user may do
        #[arg(long, value_parser = ROLES)]
        role: String,
        /// The center of a center lead or data-entry user, e.g. IT1
        #[arg(long)]
        center: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Set a user's password, from CASEBOOK_PASSWORD or asked for on the terminal
    #[command(
        after_help = "Examples:\n  casebook user passwd lead.it1\n  CASEBOOK_PASSWORD=\"$(cat secret.txt)\" casebook user passwd admin"
    )]
    Passwd {
        /// The user's username
        username: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Disable a user, who can then no longer log in; the account and its history are kept
    #[command(after_help = "Example:\n  casebook user disable entry.gb1")]
    Disable {
        /// The user's username
        username: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum HpoCommand {
    /// Find terms by label, synonym or id, best match first
    #[command(
        after_help = "Examples:\n  casebook hpo search eczema\n  casebook hpo search \"pyoderma gang\"\n  casebook hpo search HP:0001369"
    )]
    Search {
        /// Words of a label or synonym, or an HPO id
        text: String,
        /// How many terms to show
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Show a term: label, definition, synonyms, parents and children
    #[command(after_help = "Example:\n  casebook hpo show HP:0000964")]
    Show {
        /// An HPO id such as HP:0000964
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct ZhuArgs {
    /// none, intermittent or present
    #[arg(long, default_value = "present")]
    pub thrombocytopenia: String,
    /// Platelets of normal size (small platelets are assumed otherwise)
    #[arg(long)]
    pub normal_platelet_size: bool,
    /// Congenital neutropenia
    #[arg(long)]
    pub congenital_neutropenia: bool,
    /// none, mild, persistent or difficult-to-control
    #[arg(long, default_value = "none")]
    pub eczema: String,
    /// none, mild, recurrent or severe
    #[arg(long, default_value = "none")]
    pub infections: String,
    /// Laboratory immunodeficiency: absent, mild or present (informational)
    #[arg(long, default_value = "absent")]
    pub immunodeficiency: String,
    /// Autoimmune manifestations (e.g. autoimmune haemolytic anaemia)
    #[arg(long)]
    pub autoimmunity: bool,
    /// Autoinflammatory manifestations (IBD, arthritis, vasculitis, pyoderma gangrenosum)
    #[arg(long)]
    pub autoinflammation: bool,
    /// Do not count autoinflammatory manifestations as autoimmunity for score 5
    #[arg(long)]
    pub autoinflammation_is_not_autoimmunity: bool,
    /// Malignancy (e.g. lymphoma)
    #[arg(long)]
    pub malignancy: bool,
    /// Age at assessment in months (for the indeterminate flag)
    #[arg(long)]
    pub age_months: Option<i64>,
    /// A genotype predicted to be severe (absent WASP, nonsense or frameshift)
    #[arg(long)]
    pub predicted_severe_genotype: bool,
}
