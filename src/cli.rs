//! The command line: argument parsing (clap) and the headless commands, each a
//! thin client of `folio::core`:
//!
//! - `import` copies files into the library and into a group;
//! - `add` puts images already in the library into a group too (by `--id`,
//!   by `--name` — the file's name as imported — or every image of
//!   `--from-group`), and `remove` takes them out of one; an image stays in
//!   the library when it leaves its last group. Each is one transaction: a
//!   name or id that is refused (unknown, not in the group, or a name several
//!   images share, listed with their ids) changes nothing;
//! - `list` prints galleries, groups and images in order (`--ids`: with the
//!   ids `add` and `remove` take), then the images in no group;
//! - `visibility` and `profile` say what exports show, and `export` (in
//!   [`export`]) makes a website, a folder or a ZIP of a gallery;
//! - `sort`, `check`, `backup` and `restore`.

mod export;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use clap::{ArgGroup, Parser, Subcommand};
use folio::core::check::{self, Problem};
use folio::core::media::import::{self, Outcome};
use folio::core::model::catalog::Visibility;
use folio::core::model::images::{Image, SortBy};
use folio::core::model::lookup::{self, ImageRef};
use folio::core::model::profile::{self, Profile};
use folio::core::model::{catalog, images, inventory, order};
use folio::core::storage::{backup, library};
use folio::core::{GroupId, ImageId, Library};
use folio::count;
use rusqlite::Connection;

/// Folio: organise your portfolio into galleries of typed, hand-ordered image groups.
///
/// Without a command, opens the desktop app; given image files or folders
/// (as "Open with Folio" does), opens it and offers to import them.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about)]
pub struct Args {
    /// The library folder (holds folio.db and library/). Default: the per-user
    /// data folder, e.g. ~/.local/share/folio on Linux.
    #[arg(long, global = true, env = "FOLIO_LIBRARY", value_name = "DIR")]
    library: Option<PathBuf>,

    /// Image files or folders to import: the app opens and offers to import
    /// them into the selected group or a new one.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Copy image files (or folders of them) into the library and into a group.
    Import {
        /// The group to add the images to (created if missing).
        #[arg(long, value_name = "NAME")]
        group: String,
        /// Also attach the group to this gallery (created if missing).
        #[arg(long, value_name = "NAME", requires = "link_type")]
        gallery: Option<String>,
        /// The group's purpose in the gallery: main_exhibit, behind_the_scenes,
        /// sketches, primary_artist, guest_artist_feature, photographs, or your own words.
        #[arg(long = "type", value_name = "TYPE", requires = "gallery")]
        link_type: Option<String>,
        /// Who exports show that link to: public, members (a website encrypts
        /// it with a password), or private (never exported). Default for a
        /// new link: members for behind_the_scenes, public for the rest.
        #[arg(long, value_enum, requires = "gallery")]
        visibility: Option<VisibilityArg>,
        /// Files and folders to import (folders are searched recursively).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Put images already in the library into a group too (nothing is copied).
    ///
    /// An image can be in many groups. They go at the end of the group, in the
    /// order given; images already in it are named and stay where they are.
    /// One of --id, --name or --from-group. If any image is refused (an
    /// unknown id or name, a name several images share), nothing is changed.
    #[command(group(ArgGroup::new("images").required(true).args(["ids", "names", "from_group"])))]
    Add {
        /// The group to add the images to (created if missing).
        #[arg(long, value_name = "NAME")]
        group: String,
        /// The images by id: the number `folio list --ids` shows after # (#12:
        /// --id 12). Several: --id 12 13 14 (or --id 12 --id 13).
        #[arg(long = "id", value_name = "ID", num_args = 1..)]
        ids: Vec<i64>,
        /// The images by file name as imported ("fox.jpg"), matched exactly,
        /// in the whole library. A name several images share is refused,
        /// listing them: then use --id. Several: --name a.jpg b.jpg (or
        /// --name a.jpg --name b.jpg).
        #[arg(long = "name", value_name = "FILE", num_args = 1..)]
        names: Vec<String>,
        /// Every image of this group, in its order.
        #[arg(long, value_name = "NAME")]
        from_group: Option<String>,
    },
    /// Take images out of a group; they stay in the library.
    ///
    /// They stay in their other groups too; an image in no group any more is
    /// listed under "Not in any group". All or nothing: if any image is
    /// refused (not in the group, unknown, a name several of its images
    /// share), nothing is removed.
    #[command(group(ArgGroup::new("images").required(true).args(["ids", "names"])))]
    Remove {
        /// The group to take the images out of.
        #[arg(long, value_name = "NAME")]
        group: String,
        /// The images by id: the number `folio list --ids` shows after # (#12:
        /// --id 12). Several: --id 12 13 14 (or --id 12 --id 13).
        #[arg(long = "id", value_name = "ID", num_args = 1..)]
        ids: Vec<i64>,
        /// The images by file name as imported ("fox.jpg"), matched exactly,
        /// among the group's images. A name several of them share is refused,
        /// listing them: then use --id. Several: --name a.jpg b.jpg.
        #[arg(long = "name", value_name = "FILE", num_args = 1..)]
        names: Vec<String>,
    },
    /// Print galleries, their typed groups and the images in order.
    ///
    /// Then the groups in no gallery, and the images in no group.
    List {
        /// Show each image's id (#12), which `add` and `remove` take with --id.
        #[arg(long)]
        ids: bool,
    },
    /// Put a group in a new order (one transaction: all or nothing).
    Sort {
        /// The group to sort.
        #[arg(long, value_name = "NAME")]
        group: String,
        /// name: by original file name; imported: oldest first; reverse: the current order backwards.
        #[arg(long, value_enum)]
        by: SortKey,
    },
    /// Make a backup of the database now (kept in DIR/backups/, checked).
    Backup,
    /// Put Folio in your applications menu, with its icon, and make it an
    /// "Open with" choice for images: for a Folio installed with `cargo
    /// install`. Writes a menu entry that starts this program, and the icons,
    /// under your XDG data folder (~/.local/share).
    InstallDesktop {
        /// Take the menu entry and the icons out again (only the files
        /// `install-desktop` wrote).
        #[arg(long)]
        uninstall: bool,
    },
    /// Print the manual page (roff), as the Debian package installs it.
    #[command(hide = true)]
    Man,
    /// Put a backup back as the database. The current database is moved aside,
    /// not deleted. Refused while the library is open in another Folio.
    Restore {
        /// The backup file; default: the most recent in DIR/backups/.
        #[arg(value_name = "FILE")]
        backup: Option<PathBuf>,
    },
    /// Works' details (title, year, medium, dimensions…) as a spreadsheet, out and in.
    Details {
        #[command(subcommand)]
        action: DetailsCommand,
    },
    /// Set who exports show a gallery's link to a group.
    Visibility {
        #[arg(long, value_name = "NAME")]
        gallery: String,
        #[arg(long, value_name = "NAME")]
        group: String,
        /// The link's type; needed only when the group is in the gallery
        /// under several.
        #[arg(long = "type", value_name = "TYPE")]
        link_type: Option<String>,
        /// public: everyone; members: a website encrypts it (visitors need the
        /// password), folders and ZIPs include it; private: never exported.
        #[arg(value_enum)]
        visibility: VisibilityArg,
    },
    /// The artist's profile, which exports put on their cover. Without
    /// options, prints it; an empty value ("") clears a field.
    Profile {
        #[arg(long, value_name = "NAME")]
        given: Option<String>,
        #[arg(long, value_name = "NAME")]
        family: Option<String>,
        #[arg(long, value_name = "URL")]
        website: Option<String>,
        /// An e-mail address (linked) or any line.
        #[arg(long, value_name = "TEXT")]
        contact: Option<String>,
        /// A short statement (a few sentences; line breaks make paragraphs).
        #[arg(long, value_name = "TEXT")]
        statement: Option<String>,
    },
    /// Add the sample portfolio (three galleries of generated pictures with
    /// titles, details and alt text) to try Folio and its exports with.
    Sample {
        /// The pictures' width in pixels.
        #[arg(long, value_name = "PX", default_value_t = 1200)]
        width: u32,
    },
    /// Export a gallery: a website, a folder or ZIP, a portfolio PDF, or a
    /// submission package.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Check the database and every file; exit status 1 if anything is wrong.
    Check {
        /// Remove Folio's own leftover temp files and re-register originals
        /// without a row into a "Recovered" group. Never deletes an original.
        #[arg(long)]
        repair: bool,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum VisibilityArg {
    Public,
    Members,
    Private,
}

impl From<VisibilityArg> for Visibility {
    fn from(v: VisibilityArg) -> Visibility {
        match v {
            VisibilityArg::Public => Visibility::Public,
            VisibilityArg::Members => Visibility::Members,
            VisibilityArg::Private => Visibility::Private,
        }
    }
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// A static website: index.html, a page per work, responsive renditions
    /// (WebP and JPEG, sRGB, no metadata); members sections encrypted with a
    /// password read from FOLIO_SITE_PASSWORD or asked on the terminal;
    /// private links left out. Exporting again into the same folder rewrites
    /// only what changed and removes what is no longer part of it.
    Site {
        #[arg(long, value_name = "NAME")]
        gallery: String,
        /// The site's folder: new, empty, or one Folio exported this site to.
        #[arg(value_name = "OUT_DIR")]
        out: PathBuf,
        /// Rendition widths in pixels, separated by commas (never wider than the original).
        #[arg(long, value_name = "W,W…", default_value = "480,720,960,1600,2400")]
        widths: String,
        /// Formats to make, separated by commas: webp, jpeg, or both.
        #[arg(long, value_name = "F,F…", default_value = "webp,jpeg")]
        formats: String,
    },
    /// An ordered folder: 01-main-exhibit/001-title.jpg…, manifest.json and
    /// image-list.csv. Members links included unless --public-only.
    Folder {
        #[arg(long, value_name = "NAME")]
        gallery: String,
        #[arg(value_name = "OUT_DIR")]
        out: PathBuf,
        /// The longest side of each JPEG, in pixels (default: full size).
        #[arg(long, value_name = "PX")]
        long_side: Option<u32>,
        /// Leave members links out too.
        #[arg(long)]
        public_only: bool,
    },
    /// The same as a ZIP file (replaced whole, or not at all).
    Zip {
        #[arg(long, value_name = "NAME")]
        gallery: String,
        #[arg(value_name = "OUT.zip")]
        out: PathBuf,
        #[arg(long, value_name = "PX")]
        long_side: Option<u32>,
        #[arg(long)]
        public_only: bool,
    },
    /// A portfolio PDF: a cover (artist, gallery, description), a page per
    /// work per link with its caption, the image list. Tagged for
    /// accessibility (PDF/UA-1: alt text, reading order, title, language),
    /// its text in an embedded font. Members links included unless
    /// --public-only; private links never.
    Pdf {
        #[arg(long, value_name = "NAME")]
        gallery: String,
        /// The PDF: a new file, or one Folio wrote before.
        #[arg(value_name = "FILE.pdf")]
        out: PathBuf,
        /// a4 or letter.
        #[arg(long, value_name = "PAPER", default_value = "a4")]
        paper: String,
        /// Landscape pages (portrait by default).
        #[arg(long)]
        landscape: bool,
        /// Images at this many pixels per inch (never beyond their own pixels).
        #[arg(long, value_name = "DPI", default_value_t = 200)]
        dpi: u32,
        /// JPEG quality of the images that are re-encoded (1–100).
        #[arg(long, value_name = "Q", default_value_t = 85)]
        quality: u8,
        /// A divider page before each section.
        #[arg(long)]
        dividers: bool,
        /// Lower the resolution and quality until the PDF is at most this many megabytes.
        #[arg(long, value_name = "MB")]
        max_mb: Option<f64>,
        /// Leave members links out too.
        #[arg(long)]
        public_only: bool,
    },
    /// A submission package for an open call, a grant or a school: the
    /// works in the gallery's order as numbered baseline sRGB JPEGs at the
    /// call's size and byte limit, named by its pattern, with
    /// image-list.csv and .pdf. Presets: cafe (1920 px, at least 1200, 5 MB),
    /// slideroom (1280 px, 5 MB, 20 works), guggenheim (1920 px, 3 MB, 18
    /// works), or custom (give --long-side and --max-bytes). A work that
    /// cannot pass is named and left out (exit status 1).
    Submission {
        #[arg(long, value_name = "NAME")]
        gallery: String,
        /// cafe, slideroom, guggenheim or custom.
        #[arg(long, value_name = "PRESET")]
        preset: String,
        /// The package's folder: new, empty, or one Folio made this package in.
        #[arg(value_name = "OUT_DIR")]
        out: PathBuf,
        /// Only the first N works of the gallery.
        #[arg(long, value_name = "N", conflicts_with = "works")]
        first: Option<usize>,
        /// These works, by their numbers in the gallery's order (1,3,5).
        #[arg(long, value_name = "N,N…")]
        works: Option<String>,
        /// File names: {nn} (01, 02…), {n}, {title}, {year}, {given},
        /// {family}, {inventory}; the preset's by default.
        #[arg(long, value_name = "PATTERN")]
        pattern: Option<String>,
        /// The long side each work is scaled down to (custom, or to change a preset's).
        #[arg(long, value_name = "PX")]
        long_side: Option<u32>,
        /// Works whose long side is smaller are left out.
        #[arg(long, value_name = "PX")]
        min_side: Option<u32>,
        /// Most bytes per file (e.g. 3000000, or 3MB).
        #[arg(long, value_name = "BYTES")]
        max_bytes: Option<String>,
        /// Most works the call takes.
        #[arg(long, value_name = "N")]
        max_count: Option<usize>,
        /// Progressive JPEGs (every preset asks for baseline).
        #[arg(long)]
        progressive: bool,
        /// Leave members links out too.
        #[arg(long)]
        public_only: bool,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum SortKey {
    Name,
    Imported,
    Reverse,
    Title,
    Year,
}

#[derive(Debug, Subcommand)]
enum DetailsCommand {
    /// Write every image's details as UTF-8 CSV, one row per image.
    ///
    /// Columns: id, content_hash, original_name, inventory_number, title, year,
    /// year_sort, medium, height, width, depth, unit, dimensions_text, edition,
    /// credit, description, alt_text, groups (the group names, separated by "; ").
    Export {
        /// The file to write ("-": standard output). It is replaced whole, or not at all.
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        /// Start with a byte-order mark, so that Excel reads accents right.
        #[arg(long)]
        bom: bool,
    },
    /// Read details back from such a CSV (a byte-order mark is fine).
    ///
    /// Each row names its image by id, else content_hash, else inventory_number.
    /// An empty cell clears its field; a column left out leaves it alone;
    /// original_name and groups are not read. A changed year brings its
    /// year_sort unless that changed too. If any row cannot be used, nothing
    /// changes, each such row is listed by line, and the exit status is 1.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Runs the parsed command.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // These two need no library.
    match args.command {
        Some(Command::InstallDesktop { uninstall }) => {
            return install_desktop_cmd(uninstall, args.library.as_deref());
        }
        Some(Command::Man) => {
            let man = clap_mangen::Man::new(<Args as clap::CommandFactory>::command());
            man.render(&mut std::io::stdout().lock())?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let root = match args.library {
        Some(dir) => dir,
        None => library::default_root()?,
    };
    match args.command {
        None => {
            // Said here, before a window opens on a mistyped name (or a
            // command given after a file: `folio a.jpg check`).
            if let Some(missing) = args.files.iter().find(|p| !p.exists()) {
                anyhow::bail!(
                    "{}: there is no such file or folder (nothing was opened)",
                    missing.display()
                );
            }
            let files = args
                .files
                .iter()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
                .collect();
            folio::app::run(root, files)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::InstallDesktop { .. } | Command::Man) => Ok(ExitCode::SUCCESS),
        Some(Command::Import {
            group,
            gallery,
            link_type,
            visibility,
            paths,
        }) => {
            let link = gallery
                .zip(link_type)
                .map(|(g, t)| (g, t, visibility.map(Visibility::from)));
            import_cmd(root, &group, link, &paths)
        }
        Some(Command::Visibility {
            gallery,
            group,
            link_type,
            visibility,
        }) => visibility_cmd(
            root,
            &gallery,
            &group,
            link_type.as_deref(),
            visibility.into(),
        ),
        Some(Command::Profile {
            given,
            family,
            website,
            contact,
            statement,
        }) => profile_cmd(root, [given, family, website, contact, statement]),
        Some(Command::Export { what }) => export::run(root, what),
        Some(Command::Sample { width }) => {
            if !(64..=8000).contains(&width) {
                anyhow::bail!("--width {width}: give 64 to 8000 pixels");
            }
            let mut lib = open(&root)?;
            let cancel = AtomicBool::new(false);
            match folio::core::sample::create_portfolio(&mut lib, width, |_, _| {}, &cancel)? {
                folio::core::sample::Made::Added(summary) => {
                    println!(
                        "Added the sample portfolio: {} images in {} galleries.",
                        summary.imported(),
                        folio::core::sample::PORTFOLIO.len()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                folio::core::sample::Made::AlreadyThere(name) => {
                    println!(
                        "The sample portfolio is already here (\u{201c}{name}\u{201d}); nothing was added."
                    );
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Some(Command::Add {
            group,
            ids,
            names,
            from_group,
        }) => {
            let source = match from_group {
                Some(from) => Source::Group(from),
                None => Source::Refs(refs(&ids, names)),
            };
            add_cmd(root, &group, &source)
        }
        Some(Command::Remove { group, ids, names }) => remove_cmd(root, &group, &refs(&ids, names)),
        Some(Command::List { ids }) => list_cmd(root, ids),
        Some(Command::Check { repair }) => check_cmd(root, repair),
        Some(Command::Sort { group, by }) => {
            let by = match by {
                SortKey::Name => SortBy::Name,
                SortKey::Imported => SortBy::Imported,
                SortKey::Reverse => SortBy::Reverse,
                SortKey::Title => SortBy::Title,
                SortKey::Year => SortBy::Year,
            };
            let mut lib = open(&root)?;
            let id = catalog::group_by_name(lib.conn(), &group)?.ok_or_else(|| {
                anyhow::anyhow!("there is no group named \u{201c}{group}\u{201d}")
            })?;
            lib.write(|tx| images::sort_group(tx, id, by))?;
            println!("Sorted \u{201c}{group}\u{201d}.");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Backup) => {
            let lib = open(&root)?;
            let path = backup::create(lib.conn(), &root, "manual")?;
            println!(
                "Backed up to {} (checked; the last {} are kept).",
                path.display(),
                backup::KEEP
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Restore { backup: file }) => restore_cmd(root, file),
        Some(Command::Details { action }) => details_cmd(root, action),
    }
}

fn details_cmd(root: PathBuf, action: DetailsCommand) -> anyhow::Result<ExitCode> {
    match action {
        DetailsCommand::Export { csv, bom } => {
            let lib = open_for_reading(&root)?;
            let mut bytes = Vec::new();
            let n = inventory::export_csv(lib.conn(), &mut bytes, bom)?;
            if csv.as_os_str() == "-" {
                std::io::stdout().lock().write_all(&bytes)?;
            } else {
                folio::core::storage::atomic::write(&csv, &bytes)?;
                println!(
                    "Wrote the details of {} to {}.",
                    count(n as u64, "image", "images"),
                    csv.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        DetailsCommand::Import { file } => {
            let bytes = std::fs::read(&file)
                .with_context(|| format!("could not read {}", file.display()))?;
            let mut lib = open(&root)?;
            let outcome = lib.write(|tx| inventory::import_csv(tx, bytes.as_slice()))?;
            if !outcome.problems.is_empty() {
                eprintln!(
                    "{}: nothing was changed; {} cannot be used:",
                    file.display(),
                    count(outcome.problems.len() as u64, "row", "rows")
                );
                for p in &outcome.problems {
                    eprintln!("  line {}: {}", p.line, p.reason);
                }
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "Updated the details of {} ({} unchanged).",
                count(outcome.changed.len() as u64, "image", "images"),
                count(outcome.unchanged as u64, "row", "rows")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn restore_cmd(root: PathBuf, file: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    // The lock first: never swap the database under another Folio.
    let lock = library::Lock::take(&root)?;
    let file = match file {
        Some(f) => f,
        None => backup::latest(&root).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: there are no backups to restore",
                folio::core::storage::layout::backup_dir(&root).display()
            )
        })?,
    };
    let aside = backup::restore(&root, &file)?;
    drop(lock);
    // It must open now; this also says so if the store folder is missing.
    drop(open(&root)?);
    println!("Restored {}.", file.display());
    if let Some(aside) = aside {
        println!("The database it replaced is kept as {}.", aside.display());
    }
    println!("Images imported after that backup are re-registered by `folio check --repair`.");
    Ok(ExitCode::SUCCESS)
}

/// `library`: `--library` (or `FOLIO_LIBRARY`), which the entry then opens.
fn install_desktop_cmd(
    uninstall: bool,
    library: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    use folio::desktop;
    let home = desktop::data_home()?;
    let shown = |p: &std::path::Path| {
        p.strip_prefix(&home)
            .map_or_else(|_| p.display().to_string(), |r| r.display().to_string())
    };
    if uninstall {
        let done = desktop::uninstall(&home)?;
        if done.removed.is_empty() && done.left.is_empty() {
            println!(
                "Folio's menu entry is not installed in {}: nothing to remove.",
                home.display()
            );
        } else if !done.removed.is_empty() {
            println!(
                "Removed {} from {}:",
                count(done.removed.len() as u64, "file", "files"),
                home.display()
            );
            for p in &done.removed {
                println!("  {}", shown(p));
            }
        }
        for (p, why) in &done.left {
            println!("Left {}: {why}.", p.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let program = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .context("could not tell where this program is")?;
    let library = library.map(std::path::absolute).transpose()?;
    let written = desktop::install(&home, &program, library.as_deref())?;
    println!(
        "Installed Folio's menu entry and icons in {}:",
        home.display()
    );
    for p in &written {
        println!("  {}", shown(p));
    }
    if let Some(dir) = &library {
        println!("It opens the library {}.", dir.display());
    }
    println!(
        "The entry starts {}. Folio is in your applications menu under Graphics, and \"Open with\" offers it for images (a desktop that was running may need you to log in again to see it).",
        program.display()
    );
    println!(
        "To take them out again: {} install-desktop --uninstall",
        program.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn open(root: &std::path::Path) -> anyhow::Result<Library> {
    Library::open(root).map_err(|e| opening(root, e))
}

/// Why the library at `root` could not be opened, naming it once: the
/// errors that begin with the library's path already do.
fn opening(root: &std::path::Path, e: folio::core::Error) -> anyhow::Error {
    use folio::core::Error as E;
    match e {
        E::Locked { .. } | E::ReadOnly { .. } | E::DatabaseMissing { .. } => anyhow::Error::new(e),
        other => anyhow::Error::new(other)
            .context(format!("could not open the library at {}", root.display())),
    }
}

/// Opens the library for a command that only reads it: as [`open`] does, or,
/// while another Folio (the app, an import) holds it, read-only beside it
/// (nothing written, the other never blocked), saying so on stderr.
fn open_for_reading(root: &std::path::Path) -> anyhow::Result<Library> {
    match Library::open(root) {
        Err(folio::core::Error::Locked { holder, .. }) => {
            let lib = Library::open_read_only(root)
                .with_context(|| format!("could not read the library at {}", root.display()))?;
            eprintln!(
                "folio: the library is open in another Folio{}: reading it as it is, changing nothing",
                holder.map(|h| format!(" ({h})")).unwrap_or_default()
            );
            Ok(lib)
        }
        other => other.map_err(|e| opening(root, e)),
    }
}

fn import_cmd(
    root: PathBuf,
    group_name: &str,
    link: Option<(String, String, Option<Visibility>)>,
    paths: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let mut lib = open(&root)?;
    let group = lib.write(|tx| {
        let group = catalog::find_or_create_group(tx, group_name)?;
        if let Some((gallery, link_type, visibility)) = &link {
            let gallery = catalog::find_or_create_gallery(tx, gallery)?;
            let link_type = catalog::clean_type(link_type)?;
            if !catalog::link_exists(tx, gallery, group, &link_type)? {
                // As the app proposes: members for the making-of.
                let visibility = visibility.unwrap_or_else(|| Visibility::proposed_for(&link_type));
                catalog::attach_with(tx, gallery, group, &link_type, visibility)?;
            } else if let Some(v) = visibility {
                catalog::set_visibility(tx, gallery, group, &link_type, *v)?;
            }
        }
        Ok(group)
    })?;
    let group_name = catalog::group(lib.conn(), group)?.name;
    let cancel = AtomicBool::new(false);
    let mut out = std::io::stdout().lock();
    let mut write_error = None;
    let write = folio::core::storage::atomic::writer_from_env();
    let summary = import::import_paths_with(
        &mut lib,
        paths,
        group,
        |event| {
            if let import::Event::Finished { report, .. } = event
                && let Err(e) = report_line(&mut out, report)
            {
                write_error.get_or_insert(e);
            }
        },
        &cancel,
        &*write,
    );
    // The exit status says how the import went, also when whoever read its
    // lines stopped reading (`folio import … | head`).
    let code = if summary.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let written = match write_error {
        Some(e) => Err(e),
        None => writeln!(
            out,
            "{} imported, {} already in the library, {} failed, of {} files, into group \u{201c}{group_name}\u{201d}.",
            summary.imported(),
            summary.already(),
            summary.failed(),
            summary.files.len()
        ),
    };
    match written {
        Ok(()) => Ok(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(e.into()),
    }
}

/// One line about one file: what happened to it, naming it.
fn report_line(out: &mut impl Write, report: &import::FileReport) -> std::io::Result<()> {
    let path = report.path.display();
    match &report.outcome {
        Outcome::Imported {
            format,
            width,
            height,
            ..
        } => {
            writeln!(
                out,
                "imported  {path} ({} {width}\u{d7}{height})",
                format.label()
            )
        }
        Outcome::AlreadyInLibrary { added_to_group, .. } => writeln!(
            out,
            "existing  {path} (already in the library{})",
            if *added_to_group {
                "; added to the group"
            } else {
                "; already in the group"
            }
        ),
        Outcome::Failed(e) => writeln!(out, "FAILED    {e}"),
    }
}

/// Where `add` takes its images from.
#[derive(Debug)]
enum Source {
    /// The images named on the command line (`--id`, `--name`).
    Refs(Vec<ImageRef>),
    /// Every image of this group, in its order (`--from-group`).
    Group(String),
}

/// The images given by `--id` or `--name` (clap lets only one of them through).
fn refs(ids: &[i64], names: Vec<String>) -> Vec<ImageRef> {
    ids.iter()
        .map(|&id| ImageRef::Id(ImageId(id)))
        .chain(names.into_iter().map(ImageRef::Name))
        .collect()
}

/// The group called `name`, or the refusal naming it and the option (`flag`)
/// that gave it.
fn group_named(conn: &Connection, flag: &str, name: &str) -> folio::core::Result<GroupId> {
    catalog::group_by_name(conn, name)?.ok_or_else(|| {
        folio::core::Error::invalid(
            flag,
            format!("there is no group named \u{201c}{}\u{201d}", name.trim()),
        )
    })
}

/// A refused `add` or `remove` in words: the core's reason, what to do about a
/// name several images share, and that nothing was changed.
fn refusal(e: folio::core::Error) -> anyhow::Error {
    if lookup::is_ambiguous(&e) {
        anyhow::anyhow!(
            "{e}\nUse --id with one of these ids instead of --name. Nothing was changed."
        )
    } else {
        anyhow::anyhow!("{e}; nothing was changed")
    }
}

/// What `add` did.
struct Added {
    /// The group's name as stored.
    group: String,
    /// Whether the group was made for this.
    created: bool,
    /// Each image given, once, in order, with whether it was in the group already.
    images: Vec<(Image, bool)>,
    /// How many were added.
    added: usize,
}

fn add_cmd(root: PathBuf, group: &str, source: &Source) -> anyhow::Result<ExitCode> {
    let mut lib = open(&root)?;
    let done = lib
        .write(|tx| add_to_group(tx, group, source))
        .map_err(refusal)?;
    let mut out = std::io::stdout().lock();
    for (image, already) in &done.images {
        if *already {
            writeln!(
                out,
                "already   {}: already in the group",
                lookup::named(image)
            )?;
        } else {
            writeln!(out, "added     {}", lookup::named(image))?;
        }
    }
    let already = done.images.len() - done.added;
    let rest = match already {
        0 => String::new(),
        1 => "; 1 was already in it".to_string(),
        n => format!("; {} were already in it", folio::thousands(n as u64)),
    };
    writeln!(
        out,
        "Added {} to group \u{201c}{}\u{201d}{rest}.",
        count(done.added as u64, "image", "images"),
        done.group
    )?;
    if done.created {
        writeln!(
            out,
            "\u{201c}{}\u{201d} is a new group, in no gallery yet.",
            done.group
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `add`'s transaction: resolves the images (refusing, before anything is
/// written, any name or id that does not fit), then adds them at the end of
/// the group, made if missing.
fn add_to_group(conn: &Connection, group: &str, source: &Source) -> folio::core::Result<Added> {
    let ids = match source {
        Source::Refs(refs) => lookup::resolve(conn, refs, None)?,
        Source::Group(from) => {
            images::group_image_ids(conn, group_named(conn, "--from-group", from)?)?
        }
    };
    let created = catalog::group_by_name(conn, group)?.is_none();
    let id = catalog::find_or_create_group(conn, group)?;
    let mut rows = Vec::with_capacity(ids.len());
    for &image in &ids {
        let already = order::key_of(conn, id, image)?.is_some();
        rows.push((images::image(conn, image)?, already));
    }
    let added = images::add_images_before(conn, id, &ids, None)?;
    Ok(Added {
        group: catalog::group(conn, id)?.name,
        created,
        images: rows,
        added,
    })
}

/// What `remove` did.
struct Removed {
    /// The group's name as stored.
    group: String,
    /// The images taken out, in the order given.
    images: Vec<Image>,
    /// Those of them that are now in no group.
    loose: Vec<Image>,
}

fn remove_cmd(root: PathBuf, group: &str, refs: &[ImageRef]) -> anyhow::Result<ExitCode> {
    let mut lib = open(&root)?;
    let done = lib
        .write(|tx| remove_from_group(tx, group, refs))
        .map_err(refusal)?;
    let mut out = std::io::stdout().lock();
    for image in &done.images {
        writeln!(out, "removed   {}", lookup::named(image))?;
    }
    writeln!(
        out,
        "Removed {} from group \u{201c}{}\u{201d}; {} in the library.",
        count(done.images.len() as u64, "image", "images"),
        done.group,
        if done.images.len() == 1 {
            "it remains"
        } else {
            "they remain"
        }
    )?;
    for image in &done.loose {
        writeln!(
            out,
            "{} is now in no group; it is still in the library (the app and `folio list` show it under \u{201c}Not in any group\u{201d}).",
            lookup::named(image)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `remove`'s transaction: every image must be in the group (else nothing is
/// removed); the images stay in the library.
fn remove_from_group(
    conn: &Connection,
    group: &str,
    refs: &[ImageRef],
) -> folio::core::Result<Removed> {
    let id = group_named(conn, "--group", group)?;
    let ids = lookup::resolve(conn, refs, Some(id))?;
    let rows = ids
        .iter()
        .map(|&image| images::image(conn, image))
        .collect::<folio::core::Result<Vec<_>>>()?;
    images::remove_images(conn, id, &ids)?;
    let in_none = images::in_no_group(conn, &ids)?;
    let loose: Vec<_> = rows
        .iter()
        .filter(|image| in_none.contains(&image.id))
        .cloned()
        .collect();
    Ok(Removed {
        group: catalog::group(conn, id)?.name,
        images: rows,
        loose,
    })
}

/// One image of a listing: its place `n` (from 1), with `ids` its id, its
/// name, format, size, title and year, and alt text.
fn image_line(n: usize, image: &Image, ids: bool) -> String {
    let id = if ids {
        format!("#{} ", image.id.0)
    } else {
        String::new()
    };
    let alt = image
        .alt_text
        .as_deref()
        .map(|a| format!(" \u{2014} \u{201c}{a}\u{201d}"))
        .unwrap_or_default();
    let title = image
        .title()
        .map(|t| {
            let year = image
                .details
                .as_ref()
                .and_then(|d| d.year.as_deref())
                .map(|y| format!(", {y}"))
                .unwrap_or_default();
            format!(" \u{2014} title: {t}{year}")
        })
        .unwrap_or_default();
    format!(
        "      {n:>3}. {id}{} ({} {}\u{d7}{}){title}{alt}",
        image.original_name,
        image.format.label(),
        image.width,
        image.height
    )
}

fn list_cmd(root: PathBuf, ids: bool) -> anyhow::Result<ExitCode> {
    let lib = open_for_reading(&root)?;
    let conn = lib.conn();
    let mut out = std::io::stdout().lock();
    let print_images = |out: &mut dyn Write, group| -> anyhow::Result<()> {
        for (i, img) in images::group_images(conn, group)?.iter().enumerate() {
            writeln!(out, "{}", image_line(i + 1, img, ids))?;
        }
        Ok(())
    };
    let galleries = catalog::list_galleries(conn)?;
    if galleries.is_empty() {
        writeln!(out, "No galleries.")?;
    }
    for gallery in galleries {
        writeln!(out, "Gallery \u{201c}{}\u{201d}", gallery.name)?;
        if let Some(d) = &gallery.description {
            writeln!(out, "  {d}")?;
        }
        let links = catalog::gallery_links(conn, gallery.id)?;
        if links.is_empty() {
            writeln!(out, "  (no groups)")?;
        }
        for link in links {
            writeln!(
                out,
                "  [{}] group \u{201c}{}\u{201d}, {} ({})",
                link.link_type,
                link.group_name,
                count(link.image_count, "image", "images"),
                link.visibility.as_str()
            )?;
            print_images(&mut out, link.group)?;
        }
    }
    let loose: Vec<_> = catalog::list_groups(conn)?
        .into_iter()
        .filter(|g| g.gallery_count == 0)
        .collect();
    if !loose.is_empty() {
        writeln!(out, "Groups in no gallery")?;
        for group in loose {
            writeln!(
                out,
                "  group \u{201c}{}\u{201d}, {}",
                group.name,
                count(group.image_count, "image", "images")
            )?;
            print_images(&mut out, group.id)?;
        }
    }
    let loose = images::ungrouped_images(conn)?;
    if !loose.is_empty() {
        writeln!(
            out,
            "Not in any group ({}, still in the library; the last imported first)",
            count(loose.len() as u64, "image", "images")
        )?;
        for (i, img) in loose.iter().enumerate() {
            writeln!(out, "{}", image_line(i + 1, img, ids))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn visibility_cmd(
    root: PathBuf,
    gallery: &str,
    group: &str,
    link_type: Option<&str>,
    visibility: Visibility,
) -> anyhow::Result<ExitCode> {
    let mut lib = open(&root)?;
    let gallery_id = catalog::gallery_by_name(lib.conn(), gallery)?
        .ok_or_else(|| anyhow::anyhow!("there is no gallery named \u{201c}{gallery}\u{201d}"))?;
    let group_id = group_named(lib.conn(), "--group", group)?;
    let types: Vec<String> = catalog::gallery_links(lib.conn(), gallery_id)?
        .into_iter()
        .filter(|l| l.group == group_id)
        .map(|l| l.link_type)
        .collect();
    let link_type = match (link_type, types.as_slice()) {
        (Some(t), _) => catalog::clean_type(t)?,
        (None, [only]) => only.clone(),
        (None, _) if types.is_empty() => {
            anyhow::bail!("\u{201c}{group}\u{201d} is not in \u{201c}{gallery}\u{201d}")
        }
        (None, _) => anyhow::bail!(
            "\u{201c}{group}\u{201d} is in \u{201c}{gallery}\u{201d} as {}: say which with --type",
            types.join(" and as ")
        ),
    };
    let link_type = link_type.as_str();
    if !types.iter().any(|t| t == link_type) {
        anyhow::bail!(
            "\u{201c}{group}\u{201d} is not in \u{201c}{gallery}\u{201d} as \u{201c}{link_type}\u{201d}{}",
            if types.is_empty() {
                " (it is not in that gallery at all)".to_string()
            } else {
                format!(" (it is there as: {})", types.join(", "))
            }
        );
    }
    let was =
        lib.write(|tx| catalog::set_visibility(tx, gallery_id, group_id, link_type, visibility))?;
    println!(
        "\u{201c}{group}\u{201d} as {link_type} in \u{201c}{gallery}\u{201d}: {} (was {}).",
        visibility.as_str(),
        was.as_str()
    );
    Ok(ExitCode::SUCCESS)
}

fn profile_cmd(root: PathBuf, fields: [Option<String>; 5]) -> anyhow::Result<ExitCode> {
    let mut lib = open(&root)?;
    let mut p = profile::read(lib.conn())?;
    if fields.iter().any(Option::is_some) {
        let [given, family, website, contact, statement] = fields;
        let set = |field: &mut Option<String>, value: Option<String>| {
            if let Some(v) = value {
                *field = Some(v);
            }
        };
        set(&mut p.given_name, given);
        set(&mut p.family_name, family);
        set(&mut p.website, website);
        set(&mut p.contact, contact);
        set(&mut p.statement, statement);
        p = lib.write(|tx| profile::write(tx, p))?;
    }
    print_profile(&p)?;
    Ok(ExitCode::SUCCESS)
}

fn print_profile(p: &Profile) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if p.is_empty() {
        return writeln!(
            out,
            "No artist profile yet: `folio profile --given … --family …` sets one."
        );
    }
    let fields = [
        ("Given name", &p.given_name),
        ("Family name", &p.family_name),
        ("Website", &p.website),
        ("Contact", &p.contact),
        ("Statement", &p.statement),
    ];
    for (label, value) in fields {
        if let Some(v) = value {
            writeln!(out, "{label}: {v}")?;
        }
    }
    Ok(())
}

fn check_cmd(root: PathBuf, repair: bool) -> anyhow::Result<ExitCode> {
    let mut lib = if repair {
        // A folder whose database is missing gets a new one, and every
        // original is brought back into it.
        Library::open_recovering(&root).map_err(|e| opening(&root, e))?
    } else {
        open_for_reading(&root)?
    };
    let mut out = std::io::stdout().lock();
    let mut report = check::check(&mut lib, repair)?;
    for p in &report.problems {
        writeln!(out, "problem   {p}")?;
    }
    if repair {
        for r in &report.repaired {
            writeln!(out, "repaired  {r}")?;
        }
        for r in &report.unrepaired {
            writeln!(out, "left      {r}")?;
        }
        // What is left after the repair decides the exit status.
        report = check::check(&mut lib, false)?;
    }
    let integrity_ok = !report
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Integrity(_) | Problem::ForeignKey { .. }));
    writeln!(
        out,
        "{} images checked against their files, {}; database {}; {}.",
        report.images_checked,
        if report.skipped_files {
            "files in originals/ not counted".to_string()
        } else {
            format!("{} files in originals/", report.files_seen)
        },
        if integrity_ok { "ok" } else { "DAMAGED" },
        match report.problems.len() {
            0 => "the library is clean".to_string(),
            n => format!("{n} problem(s) remain"),
        }
    )?;
    if report.skipped_files {
        writeln!(
            out,
            "Another Folio has the library open: files without rows, temp files and trash were not looked at (its running import or delete makes them); check again once it is closed."
        )?;
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
