//! Folio on the desktop: its icon, its menu entry (a freedesktop `.desktop`
//! file whose `MimeType` line makes it an "Open with" choice for the formats
//! it imports), installing both into a user's XDG data folder
//! (`folio install-desktop`) and taking them out again, and showing a file in
//! the file manager.
//!
//! The Debian package ships the same entry ([`entry`] with `Exec=folio`) and
//! the same icons; `assets/folio.desktop` is that entry, kept equal to what
//! [`entry`] writes by a test.

use std::path::{Path, PathBuf};

use crate::core::error::{Error, IoContext, Result};
use crate::core::format::Format;
use crate::core::storage::atomic;

/// The name of the entry and the icon (`folio.desktop`, `folio.png`). On X11
/// the window's class is the program's name (`folio`), which the entry's
/// `StartupWMClass` matches; `with_app_id` names it only on Wayland.
pub const APP_ID: &str = "folio";

/// The icon's source, drawn for the project.
pub const ICON_SVG: &[u8] = include_bytes!("../assets/icon/folio.svg");

/// The icon at each size the hicolor theme holds, made from [`ICON_SVG`] by
/// `scripts/make-icons`.
pub const ICONS: [(u32, &[u8]); 9] = [
    (16, include_bytes!("../assets/icon/folio-16.png")),
    (22, include_bytes!("../assets/icon/folio-22.png")),
    (24, include_bytes!("../assets/icon/folio-24.png")),
    (32, include_bytes!("../assets/icon/folio-32.png")),
    (48, include_bytes!("../assets/icon/folio-48.png")),
    (64, include_bytes!("../assets/icon/folio-64.png")),
    (128, include_bytes!("../assets/icon/folio-128.png")),
    (256, include_bytes!("../assets/icon/folio-256.png")),
    (512, include_bytes!("../assets/icon/folio-512.png")),
];

/// The line that marks an entry `folio install-desktop` wrote: `--uninstall`
/// removes an entry only if it has it.
const INSTALLED_BY: &str = "X-Folio-Installed-By=folio install-desktop";

/// The MIME types of every format Folio imports, for the entry's `MimeType`.
pub fn mime_types() -> Vec<&'static str> {
    Format::ALL
        .iter()
        .flat_map(|f| f.mime_types().iter().copied())
        .collect()
}

/// The menu entry, starting `program` (a path, or `folio` for the one on
/// `PATH`) with the files the artist opened.
pub fn entry(program: &Path, library: Option<&Path>, installed_by_command: bool) -> Result<String> {
    let mut exec = exec_value(program)?;
    if let Some(dir) = library {
        exec = format!("{exec} --library {}", exec_value(dir)?);
    }
    // A plain string value, not a command line: only `\` is escaped.
    let try_exec = program.to_string_lossy().replace('\\', "\\\\");
    let mut lines = vec![
        "[Desktop Entry]".to_string(),
        "Type=Application".to_string(),
        "Version=1.4".to_string(),
        "Name=Folio".to_string(),
        "GenericName=Portfolio Organiser".to_string(),
        "Comment=Organise your work into galleries of image groups, and export a website, a PDF or a submission package".to_string(),
        format!("Exec={exec} %F"),
        format!("TryExec={try_exec}"),
        format!("Icon={APP_ID}"),
        "Terminal=false".to_string(),
        "Categories=Graphics;Photography;".to_string(),
        "Keywords=portfolio;gallery;art;artist;exhibition;images;photos;".to_string(),
        format!("MimeType={};", mime_types().join(";")),
        "StartupNotify=true".to_string(),
        format!("StartupWMClass={APP_ID}"),
    ];
    if installed_by_command {
        lines.push(INSTALLED_BY.to_string());
    }
    Ok(lines.join("\n") + "\n")
}

/// A program's path as the `Exec` key wants it: as it is when it holds only
/// plain characters, else in double quotes with `"`, `` ` ``, `$` and `\`
/// escaped; then, as any string value, `\` doubled and `%` written `%%`
/// (the Desktop Entry Specification, "The Exec key").
pub fn exec_value(program: &Path) -> Result<String> {
    let s = program.to_str().ok_or_else(|| {
        Error::invalid(
            "program path",
            format!(
                "{}: a menu entry cannot name a path that is not UTF-8",
                program.display()
            ),
        )
    })?;
    if s.chars().any(char::is_control) {
        return Err(Error::invalid(
            "program path",
            format!(
                "{}: a menu entry cannot name a path with a line break or tab in it",
                program.display()
            ),
        ));
    }
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c));
    let quoted = if plain {
        s.to_string()
    } else {
        let mut q = String::from("\"");
        for c in s.chars() {
            if matches!(c, '"' | '`' | '$' | '\\') {
                q.push('\\');
            }
            q.push(c);
        }
        q.push('"');
        q
    };
    Ok(quoted.replace('\\', "\\\\").replace('%', "%%"))
}

/// The user's XDG data folder (`$XDG_DATA_HOME`, else `~/.local/share`).
pub fn data_home() -> Result<PathBuf> {
    directories::BaseDirs::new()
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::invalid(
                "home folder",
                "there is no home folder to install into (HOME is not set)",
            )
        })
}

/// Every file `folio install-desktop` writes under `data_home`, in order:
/// the entry, the scalable icon, then the icon at each size.
pub fn installed_files(data_home: &Path) -> Vec<PathBuf> {
    let icons = data_home.join("icons/hicolor");
    let mut files = vec![
        data_home.join(format!("applications/{APP_ID}.desktop")),
        icons.join(format!("scalable/apps/{APP_ID}.svg")),
    ];
    files.extend(
        ICONS
            .iter()
            .map(|(n, _)| icons.join(format!("{n}x{n}/apps/{APP_ID}.png"))),
    );
    files
}

/// Writes the menu entry (starting `program`) and the icons under
/// `data_home`; returns the files written. An entry there that this command
/// did not write (another Folio's, the artist's own) is left alone and the
/// install refused, before anything is written.
/// `library`: the library the entry opens (`--library`), when not the
/// default one.
pub fn install(data_home: &Path, program: &Path, library: Option<&Path>) -> Result<Vec<PathBuf>> {
    let files = installed_files(data_home);
    let entry_path = &files[0];
    if let Some(existing) = read_if_present(entry_path)?
        && !is_ours(&existing)
    {
        return Err(Error::invalid(
            "menu entry",
            format!(
                "{}: there is already a menu entry for Folio that `folio install-desktop` did not write (a package's, or your own); it was left as it is and nothing was installed",
                entry_path.display()
            ),
        ));
    }
    let entry = entry(program, library, true)?;
    let mut contents: Vec<&[u8]> = vec![entry.as_bytes(), ICON_SVG];
    contents.extend(ICONS.iter().map(|(_, bytes)| *bytes));
    for (path, bytes) in files.iter().zip(contents) {
        atomic::write(path, bytes)?;
        make_world_readable(path)?;
    }
    Ok(files)
}

/// What `--uninstall` did.
#[derive(Debug, Default)]
pub struct Removed {
    /// Files removed.
    pub removed: Vec<PathBuf>,
    /// Files at Folio's paths that were left, and why.
    pub left: Vec<(PathBuf, String)>,
}

/// Removes what [`install`] wrote under `data_home`. An entry that
/// `install-desktop` did not write is left, and with it every icon (it
/// shows them). With its own entry, the icons at Folio's paths go too; with
/// no entry, only icons that are this Folio's own bytes. Files not there
/// are skipped without a word; folders are left (other programs' files
/// share them).
pub fn uninstall(data_home: &Path) -> Result<Removed> {
    let mut out = Removed::default();
    let files = installed_files(data_home);
    let entry_path = &files[0];
    let ours = match read_if_present(entry_path)? {
        Some(text) if !is_ours(&text) => {
            out.left.push((
                entry_path.clone(),
                "not written by `folio install-desktop` (a package's, or your own); its icons were left too".to_string(),
            ));
            return Ok(out);
        }
        Some(_) => {
            remove(entry_path, &mut out)?;
            true
        }
        None => false,
    };
    let mut contents: Vec<&[u8]> = vec![ICON_SVG];
    contents.extend(ICONS.iter().map(|(_, bytes)| *bytes));
    for (path, bytes) in files[1..].iter().zip(contents) {
        match std::fs::read(path) {
            Ok(found) if ours || found == bytes => remove(path, &mut out)?,
            Ok(_) => out.left.push((
                path.clone(),
                "not this Folio's icon, and no menu entry of `install-desktop` beside it"
                    .to_string(),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    Ok(out)
}

fn remove(path: &Path, out: &mut Removed) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => out.removed.push(path.to_path_buf()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(path, e)),
    }
    Ok(())
}

fn is_ours(entry: &str) -> bool {
    entry.lines().any(|l| l.trim() == INSTALLED_BY)
}

fn read_if_present(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Menu entries and icons are read by the desktop, not only by their owner.
fn make_world_readable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).at(path)?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// `path` as a `file://` URI, every byte but the unreserved ones and `/`
/// percent-encoded (what file managers take over D-Bus).
pub fn file_uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    let mut uri = String::from("file://");
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// How [`reveal`] showed a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revealed {
    /// The file manager opened its folder with the file selected.
    Selected,
    /// No file manager took the D-Bus call: its folder was opened.
    FolderOpened,
}

/// Shows `path` in the file manager: selected, through the freedesktop
/// `org.freedesktop.FileManager1.ShowItems` call (Nautilus, Dolphin, Nemo,
/// Caja, Thunar…), else its folder through `xdg-open`. Blocks until the file
/// manager answered: call it off the UI thread.
pub fn reveal(path: &Path) -> std::result::Result<Revealed, String> {
    let path = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dbus_error = match show_items(&path) {
        Ok(()) => return Ok(Revealed::Selected),
        Err(e) => e,
    };
    let folder = path.parent().unwrap_or(&path);
    match std::process::Command::new("xdg-open")
        .arg(folder)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            // xdg-open may stay until the file manager it started ends: a
            // few seconds to hear of a failure, then it is taken as shown
            // (and reaped by the thread that waits for it).
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            loop {
                match child.try_wait() {
                    Ok(Some(status)) if status.success() => return Ok(Revealed::FolderOpened),
                    Ok(Some(status)) => {
                        return Err(format!(
                            "no file manager answered ({dbus_error}), and xdg-open could not open {} ({status})",
                            folder.display()
                        ));
                    }
                    Ok(None) if std::time::Instant::now() < deadline => {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    Ok(None) => {
                        let _ = std::thread::Builder::new()
                            .name("folio-xdg-open".into())
                            .spawn(move || child.wait());
                        return Ok(Revealed::FolderOpened);
                    }
                    Err(e) => return Err(format!("xdg-open: {e}")),
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "no file manager answered ({dbus_error}), and xdg-open is not installed"
        )),
        Err(e) => Err(format!("could not start xdg-open: {e}")),
    }
}

#[cfg(target_os = "linux")]
fn show_items(path: &Path) -> std::result::Result<(), String> {
    let bus = zbus::blocking::Connection::session().map_err(|e| e.to_string())?;
    let uri = file_uri(path);
    bus.call_method(
        Some("org.freedesktop.FileManager1"),
        "/org/freedesktop/FileManager1",
        Some("org.freedesktop.FileManager1"),
        "ShowItems",
        &(vec![uri.as_str()], ""),
    )
    .map(drop)
    .map_err(|e| e.to_string())
}

/// Whether the desktop prefers dark (`Some(true)`) or light, as the
/// freedesktop settings portal's `org.freedesktop.appearance color-scheme`
/// says (GNOME, KDE, and others with xdg-desktop-portal); `None` where no
/// portal answers. winit reports no theme on X11, where Folio runs. Blocks
/// until the portal answered: call it off the UI thread.
#[cfg(target_os = "linux")]
pub fn prefers_dark() -> Option<bool> {
    let bus = zbus::blocking::Connection::session().ok()?;
    let reply = bus
        .call_method(
            Some("org.freedesktop.portal.Desktop"),
            "/org/freedesktop/portal/desktop",
            Some("org.freedesktop.portal.Settings"),
            "Read",
            &("org.freedesktop.appearance", "color-scheme"),
        )
        .ok()?;
    let value: zbus::zvariant::OwnedValue = reply.body().deserialize().ok()?;
    // `Read` wraps the value in a variant (some portals twice);
    // `downcast_ref` looks through them. 1: dark; 2: light; 0: no preference.
    let scheme: u32 = value.downcast_ref().ok()?;
    Some(scheme == 1)
}

#[cfg(not(target_os = "linux"))]
pub fn prefers_dark() -> Option<bool> {
    None
}

#[cfg(not(target_os = "linux"))]
fn show_items(_: &Path) -> std::result::Result<(), String> {
    Err("there is no freedesktop file manager here".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_quotes_what_the_specification_reserves() {
        assert_eq!(
            exec_value(Path::new("/usr/bin/folio")).unwrap(),
            "/usr/bin/folio"
        );
        assert_eq!(
            exec_value(Path::new("/home/ana/My Apps/folio")).unwrap(),
            "\"/home/ana/My Apps/folio\""
        );
        // `$` escaped inside the quotes, the backslash then doubled as a
        // string value; `%` doubled.
        assert_eq!(
            exec_value(Path::new("/opt/a$b/100%/folio")).unwrap(),
            "\"/opt/a\\\\$b/100%%/folio\""
        );
    }

    #[test]
    fn the_entry_offers_every_format_folio_imports() {
        let entry = entry(Path::new("folio"), None, false).unwrap();
        let mime = entry
            .lines()
            .find_map(|l| l.strip_prefix("MimeType="))
            .unwrap();
        for t in [
            "image/jpeg",
            "image/png",
            "image/tiff",
            "image/heif",
            "image/avif",
        ] {
            assert!(mime.split(';').any(|m| m == t), "{t} missing: {mime}");
        }
        assert!(entry.contains("Exec=folio %F\n"));
        assert!(!entry.contains(INSTALLED_BY));
    }

    #[test]
    fn the_packaged_entry_is_the_one_the_code_writes() {
        let committed = include_str!("../assets/folio.desktop");
        assert_eq!(
            committed,
            entry(Path::new("folio"), None, false).unwrap(),
            "assets/folio.desktop is out of date: write what `folio::desktop::entry` makes for \"folio\" into it"
        );
    }

    #[test]
    fn file_uris_are_percent_encoded() {
        assert_eq!(
            file_uri(Path::new("/home/ana/Étude #2.jpg")),
            "file:///home/ana/%C3%89tude%20%232.jpg"
        );
    }

    #[test]
    fn the_icons_are_pngs_of_their_size() {
        for (n, bytes) in ICONS {
            let img = image::load_from_memory(bytes).unwrap();
            assert_eq!((img.width(), img.height()), (n, n));
        }
    }
}
