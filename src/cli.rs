//! The command line: argument parsing (clap) and the headless commands
//! `import`, `list`, `sort`, `check`, `backup` and `restore`, each a thin
//! client of `folio::core`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use clap::{Parser, Subcommand};
use folio::core::Library;
use folio::core::check::{self, Problem};
use folio::core::media::import::{self, Outcome};
use folio::core::model::images::SortBy;
use folio::core::model::{catalog, images};
use folio::core::storage::{backup, library};
use folio::count;

/// Folio: organise your portfolio into galleries of typed, hand-ordered image groups.
///
/// Without a command, opens the desktop app.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about)]
pub struct Args {
    /// The library folder (holds folio.db and library/). Default: the per-user
    /// data folder, e.g. ~/.local/share/folio on Linux.
    #[arg(long, global = true, env = "FOLIO_LIBRARY", value_name = "DIR")]
    library: Option<PathBuf>,

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
        /// Files and folders to import (folders are searched recursively).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print galleries, their typed groups and the images in order.
    List,
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
    /// Put a backup back as the database. The current database is moved aside,
    /// not deleted. Refused while the library is open in another Folio.
    Restore {
        /// The backup file; default: the most recent in DIR/backups/.
        #[arg(value_name = "FILE")]
        backup: Option<PathBuf>,
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
enum SortKey {
    Name,
    Imported,
    Reverse,
}

/// Runs the parsed command.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = match args.library {
        Some(dir) => dir,
        None => library::default_root()?,
    };
    match args.command {
        None => {
            folio::app::run(root)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import {
            group,
            gallery,
            link_type,
            paths,
        }) => import_cmd(root, &group, gallery.zip(link_type), &paths),
        Some(Command::List) => list_cmd(root),
        Some(Command::Check { repair }) => check_cmd(root, repair),
        Some(Command::Sort { group, by }) => {
            let by = match by {
                SortKey::Name => SortBy::Name,
                SortKey::Imported => SortBy::Imported,
                SortKey::Reverse => SortBy::Reverse,
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

fn open(root: &std::path::Path) -> anyhow::Result<Library> {
    Library::open(root).with_context(|| format!("could not open the library at {}", root.display()))
}

fn import_cmd(
    root: PathBuf,
    group_name: &str,
    link: Option<(String, String)>,
    paths: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let mut lib = open(&root)?;
    let group = lib.write(|tx| {
        let group = catalog::find_or_create_group(tx, group_name)?;
        if let Some((gallery, link_type)) = &link {
            let gallery = catalog::find_or_create_gallery(tx, gallery)?;
            let link_type = catalog::clean_type(link_type)?;
            if !catalog::link_exists(tx, gallery, group, &link_type)? {
                catalog::attach(tx, gallery, group, &link_type)?;
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
    if let Some(e) = write_error {
        return Err(e.into());
    }
    writeln!(
        out,
        "{} imported, {} already in the library, {} failed, of {} files, into group \u{201c}{group_name}\u{201d}.",
        summary.imported(),
        summary.already(),
        summary.failed(),
        summary.files.len()
    )?;
    Ok(if summary.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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

fn list_cmd(root: PathBuf) -> anyhow::Result<ExitCode> {
    let lib = open(&root)?;
    let conn = lib.conn();
    let mut out = std::io::stdout().lock();
    let print_images = |out: &mut dyn Write, group| -> anyhow::Result<()> {
        for (i, img) in images::group_images(conn, group)?.iter().enumerate() {
            let alt = img
                .alt_text
                .as_deref()
                .map(|a| format!(" \u{2014} \u{201c}{a}\u{201d}"))
                .unwrap_or_default();
            writeln!(
                out,
                "      {:>3}. {} ({} {}\u{d7}{}){alt}",
                i + 1,
                img.original_name,
                img.format.label(),
                img.width,
                img.height
            )?;
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
                "  [{}] group \u{201c}{}\u{201d}, {}",
                link.link_type,
                link.group_name,
                count(link.image_count, "image", "images")
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
    Ok(ExitCode::SUCCESS)
}

fn check_cmd(root: PathBuf, repair: bool) -> anyhow::Result<ExitCode> {
    let mut lib = open(&root)?;
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
        "{} images checked against their files, {} files in originals/; database {}; {}.",
        report.images_checked,
        report.files_seen,
        if integrity_ok { "ok" } else { "DAMAGED" },
        match report.problems.len() {
            0 => "the library is clean".to_string(),
            n => format!("{n} problem(s) remain"),
        }
    )?;
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
