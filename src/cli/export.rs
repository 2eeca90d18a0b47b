//! `folio export site|folder|zip`: the pre-flight as lines (each link's
//! visibility, the works without alt text), then the export, then what it
//! wrote. Exit status 1 when a work had to be left out.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use folio::core::export::folder::{self, FolderOptions, Target};
use folio::core::export::members;
use folio::core::export::pdf::{self, Orientation, Paper, PdfOptions};
use folio::core::export::site::{self, SiteOptions, WebFormat};
use folio::core::export::submission::{self, Pick, Rules, SubmissionOptions};
use folio::core::export::{Plan, Progress, Reach};
use folio::core::model::catalog::{self, Visibility};
use folio::core::{GalleryId, Library};

use super::{ExportCommand, open_for_reading};

/// The environment variable the members password is read from.
pub const PASSWORD_ENV: &str = "FOLIO_SITE_PASSWORD";

pub fn run(root: PathBuf, what: ExportCommand) -> anyhow::Result<ExitCode> {
    match what {
        ExportCommand::Site {
            gallery,
            out,
            widths,
            formats,
        } => {
            let formats = formats
                .split(',')
                .map(WebFormat::parse)
                .collect::<Result<Vec<_>, _>>()?;
            let widths = widths
                .split(',')
                .map(|w| {
                    w.trim().parse::<u32>().map_err(|_| {
                        anyhow::anyhow!(
                            "--widths: \u{201c}{}\u{201d} is not a number of pixels (give e.g. 480,960,1600)",
                            w.trim()
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            site_cmd(&root, &gallery, &out, widths, formats)
        }
        ExportCommand::Folder {
            gallery,
            out,
            long_side,
            public_only,
        } => folder_cmd(&root, &gallery, Target::Folder(out), long_side, public_only),
        ExportCommand::Zip {
            gallery,
            out,
            long_side,
            public_only,
        } => folder_cmd(&root, &gallery, Target::Zip(out), long_side, public_only),
        ExportCommand::Pdf {
            gallery,
            out,
            paper,
            landscape,
            dpi,
            quality,
            dividers,
            max_mb,
            public_only,
        } => {
            if !(1..=100).contains(&quality) {
                anyhow::bail!("--quality: {quality} is not a JPEG quality (give 1 to 100)");
            }
            if !(36..=1200).contains(&dpi) {
                anyhow::bail!("--dpi: {dpi} is not a resolution Folio makes (give 36 to 1200)");
            }
            let max_bytes = match max_mb {
                Some(mb) if mb.is_finite() && mb > 0.0 => Some((mb * 1e6).round() as u64),
                Some(mb) => anyhow::bail!("--max-mb: {mb} is not a size (give e.g. 10)"),
                None => None,
            };
            let opts = PdfOptions {
                paper: Paper::parse(&paper)?,
                orientation: if landscape {
                    Orientation::Landscape
                } else {
                    Orientation::Portrait
                },
                dpi,
                quality,
                dividers,
                reach: if public_only {
                    Reach::Public
                } else {
                    Reach::Members
                },
                max_bytes,
                workers: folio::core::pool::default_workers(),
            };
            pdf_cmd(&root, &gallery, &out, &opts)
        }
        ExportCommand::Submission {
            gallery,
            preset,
            out,
            first,
            works,
            pattern,
            long_side,
            min_side,
            max_bytes,
            max_count,
            progressive,
            public_only,
        } => {
            let mut rules = if preset.eq_ignore_ascii_case("custom") {
                let (Some(long_side), Some(_)) = (long_side, max_bytes.as_ref()) else {
                    anyhow::bail!(
                        "--preset custom needs --long-side and --max-bytes (and takes --min-side, --max-count, --progressive, --pattern)"
                    );
                };
                Rules {
                    call: "these rules".into(),
                    long_side,
                    min_side: None,
                    max_bytes: 0,
                    max_count: None,
                    progressive: false,
                    pattern: "{nn}_{title}".into(),
                }
            } else {
                Rules::from(submission::preset(&preset)?)
            };
            if let Some(v) = long_side {
                rules.long_side = v;
            }
            if min_side.is_some() {
                rules.min_side = min_side;
            }
            if let Some(v) = max_bytes {
                rules.max_bytes = parse_bytes(&v)?;
            }
            if max_count.is_some() {
                rules.max_count = max_count;
            }
            if progressive {
                rules.progressive = true;
            }
            if let Some(p) = pattern {
                rules.pattern = p;
            }
            let pick = match (first, works) {
                (Some(n), _) => Pick::First(n),
                (None, Some(list)) => Pick::Numbers(
                    list.split(',')
                        .map(|w| {
                            w.trim().parse::<usize>().map_err(|_| {
                                anyhow::anyhow!(
                                    "--works: \u{201c}{}\u{201d} is not a work's number (give e.g. 1,3,5)",
                                    w.trim()
                                )
                            })
                        })
                        .collect::<anyhow::Result<Vec<_>>>()?,
                ),
                (None, None) => Pick::All,
            };
            submission_cmd(&root, &gallery, &out, rules, pick, public_only)
        }
    }
}

/// "3000000", "3MB", "1.8 MB", "500kB" as bytes (decimal units, as forms mean them).
fn parse_bytes(text: &str) -> anyhow::Result<u64> {
    let t = text.trim().to_ascii_lowercase().replace(' ', "");
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => t.split_at(i),
        None => (t.as_str(), ""),
    };
    let scale = match unit {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        _ => anyhow::bail!(
            "--max-bytes: \u{201c}{text}\u{201d}: give bytes, or a number with kB or MB"
        ),
    };
    let value: f64 = number.parse().map_err(|_| {
        anyhow::anyhow!(
            "--max-bytes: \u{201c}{text}\u{201d} is not a size (give e.g. 3000000 or 3MB)"
        )
    })?;
    if !(value.is_finite() && value > 0.0) {
        anyhow::bail!("--max-bytes: \u{201c}{text}\u{201d}: give a size above zero");
    }
    Ok((value * scale).round() as u64)
}

fn submission_cmd(
    root: &Path,
    gallery: &str,
    out_dir: &Path,
    rules: Rules,
    pick: Pick,
    public_only: bool,
) -> anyhow::Result<ExitCode> {
    let lib = open_for_reading(root)?;
    let id = gallery_named(&lib, gallery)?;
    let reach = if public_only {
        Reach::Public
    } else {
        Reach::Members
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Making a package for {} from \u{201c}{gallery}\u{201d} into {}: long side {} px{}, at most {} a file{}, {} JPEG, named {}.jpg",
        rules.call,
        out_dir.display(),
        rules.long_side,
        rules
            .min_side
            .map(|m| format!(" (at least {m})"))
            .unwrap_or_default(),
        submission::megabytes(rules.max_bytes),
        rules
            .max_count
            .map(|m| format!(", at most {m} works"))
            .unwrap_or_default(),
        if rules.progressive {
            "progressive"
        } else {
            "baseline"
        },
        rules.pattern
    )?;
    // The works as --works numbers them.
    let (plan, _) = submission::plan_for_package(&lib, id, reach)?;
    writeln!(out, "The gallery's works, as --works numbers them:")?;
    for (i, work) in plan.distinct_works().iter().enumerate() {
        writeln!(
            out,
            "  {:>3}. {}  {}\u{d7}{} px",
            i + 1,
            work.named(),
            work.image.width,
            work.image.height
        )?;
    }
    let opts = SubmissionOptions {
        rules,
        pick,
        reach,
        workers: folio::core::pool::default_workers(),
    };
    let cancel = AtomicBool::new(false);
    let report =
        submission::export_submission(&lib, id, out_dir, &opts, &mut progress_line(), &cancel)?;
    for f in &report.files {
        writeln!(
            out,
            "{:>3}. {}  {}×{} px, {}, quality {}: {}  ({})",
            f.number,
            f.file,
            f.width,
            f.height,
            megabytes(f.bytes),
            f.quality,
            f.verdict(),
            f.work
        )?;
    }
    let mut code = findings(&mut out, &[], &report.warnings, &report.left_out)?;
    if !report.files.iter().all(submission::FileReport::passes) {
        code = ExitCode::from(1);
    }
    writeln!(
        out,
        "Wrote {}: {} and image-list.csv and .pdf; {}.",
        report.out.display(),
        folio::count(report.files.len() as u64, "image", "images"),
        megabytes(report.bytes)
    )?;
    Ok(code)
}

fn pdf_cmd(root: &Path, gallery: &str, file: &Path, opts: &PdfOptions) -> anyhow::Result<ExitCode> {
    let lib = open_for_reading(root)?;
    let id = gallery_named(&lib, gallery)?;
    let plan = Plan::read(&lib, id, opts.reach)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Making a PDF of \u{201c}{}\u{201d} into {}: {} {}, images at {} dpi{}{}:",
        plan.gallery.name,
        file.display(),
        opts.paper.label(),
        opts.orientation.label(),
        opts.dpi,
        if opts.dividers {
            ", a divider page per section"
        } else {
            ""
        },
        opts.max_bytes
            .map(|m| format!(", at most {}", submission::megabytes(m)))
            .unwrap_or_default()
    )?;
    let said = preflight(&mut out, &plan, false)?;
    let cancel = AtomicBool::new(false);
    let report = pdf::export_pdf(&lib, id, file, opts, &mut progress_line(), &cancel)?;
    let code = findings(&mut out, &said, &report.warnings, &report.left_out)?;
    writeln!(out, "{}", report.summary())?;
    Ok(code)
}

fn gallery_named(lib: &Library, name: &str) -> anyhow::Result<GalleryId> {
    catalog::gallery_by_name(lib.conn(), name)?.ok_or_else(|| {
        let names: Vec<String> = catalog::list_galleries(lib.conn())
            .map(|g| {
                g.into_iter()
                    .map(|g| format!("\u{201c}{}\u{201d}", g.name))
                    .collect()
            })
            .unwrap_or_default();
        anyhow::anyhow!(
            "there is no gallery named \u{201c}{name}\u{201d}{}",
            if names.is_empty() {
                String::new()
            } else {
                format!(" (the galleries: {})", names.join(", "))
            }
        )
    })
}

/// The members password: from the environment, else typed twice on the
/// terminal (never an argument, which other users of the machine can see).
fn password(gallery: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        members::check_password(&p)?;
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "\u{201c}{gallery}\u{201d} has members sections: set {PASSWORD_ENV} to the password that will open them, or run this in a terminal to type it"
        );
    }
    let first = rpassword::prompt_password(format!(
        "Members password for \u{201c}{gallery}\u{201d} (at least {} characters): ",
        members::MIN_PASSWORD_CHARS
    ))?;
    members::check_password(&first)?;
    let again = rpassword::prompt_password("The same again: ")?;
    if again != first {
        anyhow::bail!("the two passwords differ; nothing was exported");
    }
    Ok(first)
}

/// The pre-flight: each link and what the export does with it, then the
/// warnings. Returns the warnings it printed.
fn preflight(out: &mut impl Write, plan: &Plan, site: bool) -> std::io::Result<Vec<String>> {
    for line in &plan.links {
        writeln!(out, "  {}", line.describe(site))?;
    }
    if plan.links.is_empty() {
        writeln!(
            out,
            "  (the gallery has no groups: the export shows only its name)"
        )?;
    }
    let warnings = plan.warnings();
    for w in &warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(warnings)
}

/// What the export found beyond what the pre-flight said (`said`), and the
/// exit status: 1 when a work was left out.
fn findings(
    out: &mut impl Write,
    said: &[String],
    warnings: &[String],
    problems: &[String],
) -> std::io::Result<ExitCode> {
    for w in warnings.iter().filter(|w| !said.contains(w)) {
        writeln!(out, "warning: {w}")?;
    }
    for p in problems {
        writeln!(out, "error: {p}")?;
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn progress_line() -> impl FnMut(Progress) {
    let terminal = std::io::stderr().is_terminal();
    move |p: Progress| {
        if terminal && p.total > 0 {
            eprint!("\r{} {}/{}   ", p.stage, p.done, p.total);
            if p.done == p.total {
                eprint!("\r{:40}\r", "");
            }
        }
    }
}

fn megabytes(bytes: u64) -> String {
    submission::megabytes(bytes)
}

fn site_cmd(
    root: &Path,
    gallery: &str,
    out_dir: &Path,
    widths: Vec<u32>,
    formats: Vec<WebFormat>,
) -> anyhow::Result<ExitCode> {
    let mut lib = open_for_reading(root)?;
    let id = gallery_named(&lib, gallery)?;
    let plan = Plan::read(&lib, id, Reach::Members)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Exporting \u{201c}{}\u{201d} as a website into {}:",
        plan.gallery.name,
        out_dir.display()
    )?;
    let said = preflight(&mut out, &plan, true)?;
    let needs_password = plan
        .links
        .iter()
        .any(|l| l.visibility == Visibility::Members);
    let opts = SiteOptions {
        widths,
        formats,
        password: if needs_password {
            Some(password(&plan.gallery.name)?)
        } else {
            None
        },
        ..SiteOptions::default()
    };
    let cancel = AtomicBool::new(false);
    let report = site::export_site(&mut lib, id, out_dir, &opts, &mut progress_line(), &cancel)?;
    let code = findings(&mut out, &said, &report.warnings, &report.problems)?;
    writeln!(
        out,
        "Wrote {}: {} pages, {} of {} works, {} renditions made and {} from the cache; {} files written, {} unchanged, {} removed; {}.",
        report.out.display(),
        report.pages,
        report.works,
        plan.distinct_works().len(),
        report.renditions_made,
        report.renditions_cached,
        report.files_written,
        report.files_unchanged,
        report.files_removed,
        megabytes(report.bytes)
    )?;
    writeln!(
        out,
        "Open {} in a browser; to publish, copy the folder to any static web host.",
        report.out.join("index.html").display()
    )?;
    Ok(code)
}

fn folder_cmd(
    root: &Path,
    gallery: &str,
    target: Target,
    long_side: Option<u32>,
    public_only: bool,
) -> anyhow::Result<ExitCode> {
    let lib = open_for_reading(root)?;
    let id = gallery_named(&lib, gallery)?;
    let reach = if public_only {
        Reach::Public
    } else {
        Reach::Members
    };
    let plan = Plan::read(&lib, id, reach)?;
    let mut out = std::io::stdout().lock();
    let kind = match target {
        Target::Folder(_) => "a folder",
        Target::Zip(_) => "a ZIP",
    };
    writeln!(
        out,
        "Exporting \u{201c}{}\u{201d} as {kind} into {}:",
        plan.gallery.name,
        target.path().display()
    )?;
    let said = preflight(&mut out, &plan, false)?;
    let opts = FolderOptions {
        long_side,
        reach,
        ..FolderOptions::default()
    };
    let cancel = AtomicBool::new(false);
    let report = folder::export_folder(&lib, id, &target, &opts, &mut progress_line(), &cancel)?;
    let code = findings(&mut out, &said, &report.warnings, &report.problems)?;
    writeln!(
        out,
        "Wrote {}: {} in {}, with manifest.json and image-list.csv; {}.",
        report.out.display(),
        folio::count(report.images as u64, "image", "images"),
        folio::count(report.sections as u64, "section", "sections"),
        megabytes(report.bytes)
    )?;
    Ok(code)
}
