//! Writing fixed files back in place.
//!
//! dfix must never corrupt or lose a byte of a user's file. A fixed file is
//! written to a temporary file in the same directory, flushed to disk, given
//! the original's mode (and owner, where allowed), and renamed over the
//! original, so a reader sees either the old or the new content, never a
//! mix. Before that the file is checked:
//!
//! - a symlink is followed and its target rewritten, so the link stays a
//!   link; a target outside every linted root is only rewritten when the
//!   link was named on the command line;
//! - a file with more than one hard link is refused, since the rename would
//!   split it from its other names;
//! - a file the user may not write is refused, rather than replaced through
//!   the rename;
//! - a file whose content (or identity) changed since dfix read it is
//!   refused, so a concurrent edit is never overwritten.
//!
//! On any error the temporary file is removed and the original is left as
//! it was. What the rename cannot keep: extended attributes and ACLs, and,
//! for a user other than root, the file's owner (its group is kept when the
//! user belongs to it).
//!
//! On Windows (see [`platform`]) the read-only attribute is kept; hard links
//! are not counted, and a file's identity is its creation time (the content
//! check stays the same), as the standard library gives no more there.

use super::diff::normalize;
use platform::{identity, links};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// One file to rewrite in place.
pub struct WriteTarget<'a> {
    /// The path as the user named it or as discovery found it.
    pub path: &'a Path,
    /// The bytes dfix read and linted.
    pub original: &'a [u8],
    /// Whether the file was named on the command line.
    pub explicit: bool,
    /// The linted roots (directories and files given on the command line);
    /// they need not be canonical.
    pub roots: &'a [PathBuf],
}

/// Why a file was not rewritten. In every case it was left untouched.
#[derive(Debug)]
pub enum WriteError {
    /// The file changed on disk since it was read.
    Changed,
    /// The file has this many hard links; rewriting it would split them.
    HardLinks(u64),
    /// The path goes through a symlink whose resolved target (held here) is
    /// outside every root, and the path was not named explicitly.
    SymlinkOutside(PathBuf),
    /// Reading, checking or writing failed.
    Io(io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Changed => f.write_str("changed on disk since it was read; not rewritten"),
            WriteError::HardLinks(n) => write!(f, "has {n} links; not rewritten, use --diff"),
            WriteError::SymlinkOutside(target) => write!(
                f,
                "is a symlink to {} outside the linted tree; not rewritten",
                target.display()
            ),
            WriteError::Io(err) => write!(f, "cannot write: {err}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io(err) => Some(err),
            _ => None,
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(err: io::Error) -> Self {
        WriteError::Io(err)
    }
}

/// Replaces the content of `target.path` with `new_content`, atomically and
/// only if the file is still exactly `target.original` (see the module
/// documentation for the checks). When `new_content` equals the original
/// nothing is done.
pub fn write_fixed(target: &WriteTarget, new_content: &[u8]) -> Result<(), WriteError> {
    if new_content == target.original {
        return Ok(());
    }

    let resolved = fs::canonicalize(target.path)?;
    if !target.explicit && goes_through_symlink(target.path, &resolved) && !inside_any_root(&resolved, target.roots) {
        return Err(WriteError::SymlinkOutside(resolved));
    }

    // Never open anything but a regular file: opening a FIFO would block.
    let meta = fs::metadata(&resolved)?;
    if !meta.is_file() {
        return Err(io::Error::new(ErrorKind::InvalidInput, "not a regular file").into());
    }
    if links(&meta) > 1 {
        return Err(WriteError::HardLinks(links(&meta)));
    }

    // Opening for writing (without truncating) fails when the user may not
    // write the file; the rename below would otherwise replace it anyway.
    let file = OpenOptions::new().read(true).write(true).open(&resolved)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(ErrorKind::InvalidInput, "not a regular file").into());
    }
    if links(&meta) > 1 {
        return Err(WriteError::HardLinks(links(&meta)));
    }
    let identity = identity(&meta);
    drop(file);

    let (dir, name) = match (resolved.parent(), resolved.file_name()) {
        (Some(dir), Some(name)) => (dir, name),
        _ => return Err(io::Error::new(ErrorKind::InvalidInput, "not a file path").into()),
    };

    let mut temp = TempFile::create(dir, name)?;
    fill_temp(temp.file(), new_content, &meta)?;

    // The last look at the original, as close to the rename as possible: it
    // must be the same file, still with one link, still holding exactly
    // what was linted.
    ensure_unchanged(&resolved, identity, target.original)?;

    fs::rename(temp.path(), &resolved)?;
    temp.disarm();

    // Make the rename itself durable; the new content is already synced.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Writes the new content to the temporary file, gives it the original's
/// owner (where allowed) and mode, and flushes it to disk.
fn fill_temp(file: &mut File, content: &[u8], original: &fs::Metadata) -> io::Result<()> {
    platform::keep_owner_and_mode(file, original)?;
    file.write_all(content)?;
    file.sync_all()
}

/// Fails with `Changed` unless `path` is still the file `identity` names and
/// holds exactly `original`, and with `HardLinks` if it gained a link.
fn ensure_unchanged(path: &Path, id: (u64, u64), original: &[u8]) -> Result<(), WriteError> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == ErrorKind::NotFound => return Err(WriteError::Changed),
        Err(err) => return Err(err.into()),
    };
    let meta = file.metadata()?;
    if identity(&meta) != id || !meta.is_file() {
        return Err(WriteError::Changed);
    }
    if links(&meta) > 1 {
        return Err(WriteError::HardLinks(links(&meta)));
    }
    if meta.len() != original.len() as u64 {
        return Err(WriteError::Changed);
    }
    let mut current = Vec::with_capacity(original.len());
    file.read_to_end(&mut current)?;
    if current != original {
        return Err(WriteError::Changed);
    }
    Ok(())
}

/// Whether resolving `path` follows a symlink anywhere, i.e. whether its
/// canonical form differs from its lexically normalised absolute form.
/// When unsure, says yes, so the caller checks the roots.
fn goes_through_symlink(path: &Path, resolved: &Path) -> bool {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(_) => return true,
        }
    };
    normalize(&absolute) != resolved
}

/// Whether canonical `resolved` is one of the roots or lies under one.
fn inside_any_root(resolved: &Path, roots: &[PathBuf]) -> bool {
    roots.iter().any(|root| {
        let root = fs::canonicalize(root).unwrap_or_else(|_| {
            let absolute = std::env::current_dir().map_or_else(|_| root.clone(), |cwd| cwd.join(root));
            normalize(&absolute)
        });
        resolved.starts_with(root)
    })
}

/// Distinguishes temporary files of one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Longest part of the original name kept in the temporary name, so that
/// the latter stays within the usual 255-byte limit.
const MAX_NAME_IN_TEMP: usize = 200;

/// A temporary file beside the target, removed on drop unless disarmed.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
}

impl TempFile {
    /// Creates `.<name>.dfix-<pid>-<n>.tmp` in `dir`, readable and writable
    /// by the owner only until its mode is set.
    fn create(dir: &Path, name: &OsStr) -> io::Result<TempFile> {
        let name = platform::truncated(name, MAX_NAME_IN_TEMP);
        let pid = std::process::id();
        let mut attempts = 0;
        loop {
            let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut temp_name = OsString::from(".");
            temp_name.push(&name);
            temp_name.push(format!(".dfix-{pid}-{n}.tmp"));
            let path = dir.join(temp_name);
            match platform::create_private(&path) {
                Ok(file) => {
                    return Ok(TempFile { path, file: Some(file) });
                }
                Err(err) if err.kind() == ErrorKind::AlreadyExists && attempts < 100 => {
                    attempts += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("temporary file is open until disarmed")
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// The file was renamed into place: nothing to remove any more.
    fn disarm(mut self) {
        self.file = None;
        self.path = PathBuf::new();
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.file = None;
        if !self.path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// What the file system gives on each platform.
#[cfg(unix)]
mod platform {
    use std::ffi::{OsStr, OsString};
    use std::fs::{File, Metadata, OpenOptions, Permissions};
    use std::io::{self, ErrorKind};
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt, fchown};
    use std::path::Path;

    /// The number of names the file has.
    pub fn links(meta: &Metadata) -> u64 {
        meta.nlink()
    }

    /// Which file this is: device and inode.
    pub fn identity(meta: &Metadata) -> (u64, u64) {
        (meta.dev(), meta.ino())
    }

    /// The first `max` bytes of a file name.
    pub fn truncated(name: &OsStr, max: usize) -> OsString {
        let bytes = name.as_bytes();
        OsString::from_vec(bytes[..bytes.len().min(max)].to_vec())
    }

    /// A new file, readable and writable by its owner only.
    pub fn create_private(path: &Path) -> io::Result<File> {
        OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
    }

    /// Gives `file` the owner (where allowed) and mode of `original`.
    pub fn keep_owner_and_mode(file: &File, original: &Metadata) -> io::Result<()> {
        let current = file.metadata()?;
        if (current.uid(), current.gid()) != (original.uid(), original.gid()) {
            // Root can keep the owner; another user can at least keep the group
            // when a member of it. Anything else is not an error: the file then
            // belongs to whoever ran dfix, as with any editor that saves by
            // renaming.
            if let Err(err) = fchown(file, Some(original.uid()), Some(original.gid())) {
                if err.kind() != ErrorKind::PermissionDenied {
                    return Err(err);
                }
                if let Err(err) = fchown(file, None, Some(original.gid()))
                    && err.kind() != ErrorKind::PermissionDenied
                {
                    return Err(err);
                }
            }
        }
        // After chown, which may clear the set-id bits.
        file.set_permissions(Permissions::from_mode(original.mode() & 0o7777))
    }
}

/// What the file system gives on each platform: Windows, where the standard
/// library's link count and file index are not stable.
#[cfg(windows)]
mod platform {
    use std::ffi::{OsStr, OsString};
    use std::fs::{File, Metadata, OpenOptions};
    use std::io;
    use std::os::windows::fs::MetadataExt;
    use std::path::Path;

    /// Not known: taken as one.
    pub fn links(_meta: &Metadata) -> u64 {
        1
    }

    /// Which file this is: its creation time (a file renamed over it has its own).
    pub fn identity(meta: &Metadata) -> (u64, u64) {
        (meta.creation_time(), 0)
    }

    /// The first `max` characters of a file name.
    pub fn truncated(name: &OsStr, max: usize) -> OsString {
        name.to_string_lossy().chars().take(max).collect::<String>().into()
    }

    /// A new file.
    pub fn create_private(path: &Path) -> io::Result<File> {
        OpenOptions::new().write(true).create_new(true).open(path)
    }

    /// Gives `file` the read-only attribute of `original` (the open handle stays writable; a
    /// read-only original was refused before).
    pub fn keep_owner_and_mode(file: &File, original: &Metadata) -> io::Result<()> {
        file.set_permissions(original.permissions())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::fs::Permissions;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;
    use std::os::unix::fs::{MetadataExt, PermissionsExt, fchown};
    use std::process::Command;

    const OLD: &[u8] = b"FROM debian\nRUN apt-get update\n";
    const NEW: &[u8] = b"FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\n";

    fn listing(dir: &Path) -> BTreeSet<OsString> {
        fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect()
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn target<'a>(path: &'a Path, roots: &'a [PathBuf]) -> WriteTarget<'a> {
        WriteTarget {
            path,
            original: OLD,
            explicit: false,
            roots,
        }
    }

    /// A directory holding `Dockerfile` with `OLD`, with the given mode.
    fn setup(file_mode: u32) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("Dockerfile");
        fs::write(&file, OLD).unwrap();
        fs::set_permissions(&file, Permissions::from_mode(file_mode)).unwrap();
        (dir, file)
    }

    #[test]
    fn writes_content_and_leaves_no_temp() {
        let (dir, file) = setup(0o644);
        let roots = [dir.path().to_path_buf()];
        let before = listing(dir.path());
        write_fixed(&target(&file, &roots), NEW).unwrap();
        assert_eq!(fs::read(&file).unwrap(), NEW);
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn keeps_mode_0640() {
        let (dir, file) = setup(0o640);
        let roots = [dir.path().to_path_buf()];
        write_fixed(&target(&file, &roots), NEW).unwrap();
        assert_eq!(fs::read(&file).unwrap(), NEW);
        assert_eq!(mode(&file), 0o640);
    }

    #[test]
    fn keeps_executable_bit() {
        let (dir, file) = setup(0o755);
        let roots = [dir.path().to_path_buf()];
        write_fixed(&target(&file, &roots), NEW).unwrap();
        assert_eq!(mode(&file), 0o755);
        let (dir, file) = setup(0o700);
        let roots = [dir.path().to_path_buf()];
        write_fixed(&target(&file, &roots), NEW).unwrap();
        assert_eq!(mode(&file), 0o700);
    }

    #[test]
    fn keeps_owner_and_group() {
        let (dir, file) = setup(0o644);
        let before = fs::metadata(&file).unwrap();
        let roots = [dir.path().to_path_buf()];
        write_fixed(&target(&file, &roots), NEW).unwrap();
        let after = fs::metadata(&file).unwrap();
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        // As root, a file owned by someone else keeps that owner.
        if fchown(File::open(&file).unwrap(), Some(12345), Some(23456)).is_ok() {
            let target = WriteTarget {
                original: NEW,
                ..target(&file, &roots)
            };
            write_fixed(&target, OLD).unwrap();
            let after = fs::metadata(&file).unwrap();
            assert_eq!((after.uid(), after.gid()), (12345, 23456));
            assert_eq!(mode(&file), 0o644);
            assert_eq!(fs::read(&file).unwrap(), OLD);
        }
    }

    #[test]
    fn relative_path_is_written() {
        // A relative path is resolved against the current directory: climb
        // from there to `/` and back down to the file.
        let (dir, file) = setup(0o644);
        let cwd = std::env::current_dir().unwrap();
        let up = cwd.components().count() - 1;
        let mut relative = PathBuf::new();
        for _ in 0..up {
            relative.push("..");
        }
        relative.push(file.strip_prefix("/").unwrap());
        let roots = [dir.path().to_path_buf()];
        write_fixed(&target(&relative, &roots), NEW).unwrap();
        assert_eq!(fs::read(&file).unwrap(), NEW);
    }

    #[test]
    fn same_content_is_a_no_op() {
        let (dir, file) = setup(0o644);
        let ino = fs::metadata(&file).unwrap().ino();
        let roots = [dir.path().to_path_buf()];
        write_fixed(&target(&file, &roots), OLD).unwrap();
        assert_eq!(fs::metadata(&file).unwrap().ino(), ino);
    }

    #[test]
    fn changed_on_disk_is_refused_and_cleaned_up() {
        let (dir, file) = setup(0o644);
        fs::write(&file, b"FROM debian\nRUN edited by someone else\n").unwrap();
        let roots = [dir.path().to_path_buf()];
        let before = listing(dir.path());
        let err = write_fixed(&target(&file, &roots), NEW).unwrap_err();
        assert!(matches!(err, WriteError::Changed), "{err:?}");
        assert_eq!(err.to_string(), "changed on disk since it was read; not rewritten");
        assert_eq!(fs::read(&file).unwrap(), b"FROM debian\nRUN edited by someone else\n");
        // The temporary file is written before the last check: it is gone.
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn changed_length_only_is_refused() {
        let (dir, file) = setup(0o644);
        fs::write(&file, [OLD, b"\n"].concat()).unwrap();
        let roots = [dir.path().to_path_buf()];
        let err = write_fixed(&target(&file, &roots), NEW).unwrap_err();
        assert!(matches!(err, WriteError::Changed), "{err:?}");
        assert_eq!(fs::read(&file).unwrap(), [OLD, b"\n"].concat());
    }

    #[test]
    fn deleted_file_is_an_io_error() {
        let (dir, file) = setup(0o644);
        fs::remove_file(&file).unwrap();
        let roots = [dir.path().to_path_buf()];
        let err = write_fixed(&target(&file, &roots), NEW).unwrap_err();
        assert!(
            matches!(&err, WriteError::Io(e) if e.kind() == ErrorKind::NotFound),
            "{err:?}"
        );
        assert!(listing(dir.path()).is_empty());
    }

    #[test]
    fn replaced_file_is_refused() {
        // Same bytes, different file (an editor saved by renaming): the
        // identity check fires, even though the content matches.
        let (dir, file) = setup(0o644);
        let roots = [dir.path().to_path_buf()];
        let before = listing(dir.path());
        let identity = {
            let meta = fs::metadata(&file).unwrap();
            (meta.dev(), meta.ino())
        };
        let other = dir.path().join("other");
        fs::write(&other, OLD).unwrap();
        fs::rename(&other, &file).unwrap();
        let err = ensure_unchanged(&file, identity, OLD).unwrap_err();
        assert!(matches!(err, WriteError::Changed), "{err:?}");
        // And a full write on the replaced file goes through normally.
        write_fixed(&target(&file, &roots), NEW).unwrap();
        assert_eq!(fs::read(&file).unwrap(), NEW);
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn hard_link_is_refused() {
        let (dir, file) = setup(0o644);
        let other = dir.path().join("Dockerfile.link");
        fs::hard_link(&file, &other).unwrap();
        let roots = [dir.path().to_path_buf()];
        let before = listing(dir.path());
        let err = write_fixed(&target(&file, &roots), NEW).unwrap_err();
        assert!(matches!(err, WriteError::HardLinks(2)), "{err:?}");
        assert_eq!(err.to_string(), "has 2 links; not rewritten, use --diff");
        assert_eq!(fs::read(&file).unwrap(), OLD);
        assert_eq!(fs::read(&other).unwrap(), OLD);
        assert_eq!(fs::metadata(&file).unwrap().ino(), fs::metadata(&other).unwrap().ino());
        assert_eq!(listing(dir.path()), before);
        // Explicit naming does not change that.
        let explicit = WriteTarget {
            explicit: true,
            ..target(&file, &roots)
        };
        assert!(matches!(write_fixed(&explicit, NEW), Err(WriteError::HardLinks(2))));
    }

    #[test]
    fn symlink_inside_root_rewrites_target() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("base")).unwrap();
        let real = root.path().join("base/Dockerfile.base");
        fs::write(&real, OLD).unwrap();
        let link = root.path().join("Dockerfile");
        symlink("base/Dockerfile.base", &link).unwrap();
        let roots = [root.path().to_path_buf()];
        write_fixed(&target(&link, &roots), NEW).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("base/Dockerfile.base"));
        assert_eq!(fs::read(&real).unwrap(), NEW);
        assert_eq!(
            listing(root.path()),
            BTreeSet::from(["Dockerfile".into(), "base".into()])
        );
        assert_eq!(
            listing(&root.path().join("base")),
            BTreeSet::from(["Dockerfile.base".into()])
        );
    }

    #[test]
    fn symlink_inside_root_named_through_symlinked_root() {
        // The root itself is given through a symlink: roots are compared in
        // canonical form, so the file is still inside.
        let outer = tempfile::tempdir().unwrap();
        let real_root = outer.path().join("real");
        fs::create_dir(&real_root).unwrap();
        fs::write(real_root.join("Dockerfile.base"), OLD).unwrap();
        symlink("Dockerfile.base", real_root.join("Dockerfile")).unwrap();
        let root_link = outer.path().join("proj");
        symlink("real", &root_link).unwrap();
        let link = root_link.join("Dockerfile");
        let roots = [root_link.clone()];
        write_fixed(&target(&link, &roots), NEW).unwrap();
        assert_eq!(fs::read(real_root.join("Dockerfile.base")).unwrap(), NEW);
        assert!(
            fs::symlink_metadata(real_root.join("Dockerfile"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn symlink_outside_root_is_refused_unless_explicit() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let real = outside.path().join("Dockerfile");
        fs::write(&real, OLD).unwrap();
        let link = root.path().join("Dockerfile");
        symlink(&real, &link).unwrap();
        let roots = [root.path().to_path_buf()];
        let before_root = listing(root.path());
        let before_outside = listing(outside.path());

        let err = write_fixed(&target(&link, &roots), NEW).unwrap_err();
        let canonical = fs::canonicalize(&real).unwrap();
        assert!(
            matches!(&err, WriteError::SymlinkOutside(t) if *t == canonical),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "is a symlink to {} outside the linted tree; not rewritten",
                canonical.display()
            )
        );
        assert_eq!(fs::read(&real).unwrap(), OLD);
        assert_eq!(listing(root.path()), before_root);
        assert_eq!(listing(outside.path()), before_outside);

        // No roots at all: still outside.
        assert!(matches!(
            write_fixed(&target(&link, &[]), NEW),
            Err(WriteError::SymlinkOutside(_))
        ));

        // A root that merely shares a name prefix does not contain it.
        let mut sibling = outside.path().as_os_str().to_owned();
        sibling.push("x");
        let sibling = PathBuf::from(sibling);
        fs::create_dir(&sibling).unwrap();
        let sibling_roots = [sibling.clone()];
        let result = write_fixed(&target(&link, &sibling_roots), NEW);
        fs::remove_dir(&sibling).unwrap();
        assert!(matches!(result, Err(WriteError::SymlinkOutside(_))), "{result:?}");

        // Named explicitly: the target is rewritten, the link stays.
        let explicit = WriteTarget {
            explicit: true,
            ..target(&link, &roots)
        };
        write_fixed(&explicit, NEW).unwrap();
        assert_eq!(fs::read(&real).unwrap(), NEW);
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_link(&link).unwrap(), real);
        assert_eq!(listing(root.path()), before_root);
        assert_eq!(listing(outside.path()), before_outside);
    }

    #[test]
    fn symlinked_directory_leading_outside_is_refused() {
        // Not the file but a directory on its path is the symlink.
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("Dockerfile"), OLD).unwrap();
        symlink(outside.path(), root.path().join("vendored")).unwrap();
        let path = root.path().join("vendored/Dockerfile");
        let roots = [root.path().to_path_buf()];
        let err = write_fixed(&target(&path, &roots), NEW).unwrap_err();
        assert!(matches!(err, WriteError::SymlinkOutside(_)), "{err:?}");
        assert_eq!(fs::read(outside.path().join("Dockerfile")).unwrap(), OLD);
    }

    #[test]
    fn dangling_symlink_is_an_io_error() {
        let root = tempfile::tempdir().unwrap();
        let link = root.path().join("Dockerfile");
        symlink("missing", &link).unwrap();
        let roots = [root.path().to_path_buf()];
        let err = write_fixed(&target(&link, &roots), NEW).unwrap_err();
        assert!(
            matches!(&err, WriteError::Io(e) if e.kind() == ErrorKind::NotFound),
            "{err:?}"
        );
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }

    #[test]
    fn directory_is_not_written() {
        let root = tempfile::tempdir().unwrap();
        let sub = root.path().join("Dockerfile");
        fs::create_dir(&sub).unwrap();
        let roots = [root.path().to_path_buf()];
        let err = write_fixed(&target(&sub, &roots), NEW).unwrap_err();
        assert!(
            matches!(&err, WriteError::Io(e) if e.kind() == ErrorKind::InvalidInput),
            "{err:?}"
        );
        assert!(sub.is_dir());
    }

    /// Makes `path` immutable with `chattr +i` while alive, where the file
    /// system and privileges allow; `active` tells whether that worked.
    struct Immutable {
        path: PathBuf,
        active: bool,
    }

    impl Immutable {
        fn set(path: &Path) -> Immutable {
            let active = Command::new("chattr")
                .arg("+i")
                .arg(path)
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|status| status.success());
            Immutable {
                path: path.to_path_buf(),
                active,
            }
        }
    }

    impl Drop for Immutable {
        fn drop(&mut self) {
            if self.active {
                let _ = Command::new("chattr").arg("-i").arg(&self.path).status();
            }
        }
    }

    /// Whether a file can be created in `dir` by this process.
    fn can_create_in(dir: &Path) -> bool {
        let probe = dir.join(".dfix-probe");
        match File::create(&probe) {
            Ok(_) => {
                fs::remove_file(&probe).unwrap();
                true
            }
            Err(_) => false,
        }
    }

    #[test]
    fn read_only_directory_fails_with_original_intact() {
        let (dir, file) = setup(0o644);
        let roots = [dir.path().to_path_buf()];
        let before = listing(dir.path());
        fs::set_permissions(dir.path(), Permissions::from_mode(0o555)).unwrap();
        // Root ignores the mode; an immutable directory stops root too.
        let immutable = Immutable::set(dir.path());
        let result = if can_create_in(dir.path()) {
            // Root, and no way to make the directory read-only for root here:
            // root may write, and the write must still be clean.
            write_fixed(&target(&file, &roots), NEW).map(|()| NEW)
        } else {
            match write_fixed(&target(&file, &roots), NEW) {
                Err(err @ WriteError::Io(_)) => {
                    assert!(err.to_string().starts_with("cannot write: "), "{err}");
                    Ok(OLD)
                }
                other => panic!("expected an I/O error, got {other:?}"),
            }
        };
        drop(immutable);
        fs::set_permissions(dir.path(), Permissions::from_mode(0o755)).unwrap();
        let expected = result.unwrap();
        assert_eq!(fs::read(&file).unwrap(), expected);
        assert_eq!(mode(&file), 0o644);
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn unwritable_file_fails_with_original_intact() {
        // A read-only file stops any user but root; `chattr +i` stops root
        // too. Without either, the test only checks the clean write.
        let (dir, file) = setup(0o444);
        let roots = [dir.path().to_path_buf()];
        let before = listing(dir.path());
        let immutable = Immutable::set(&file);
        let writable = OpenOptions::new().write(true).open(&file).is_ok();
        let result = write_fixed(&target(&file, &roots), NEW);
        drop(immutable);
        if writable {
            result.unwrap();
            assert_eq!(fs::read(&file).unwrap(), NEW);
        } else {
            let err = result.unwrap_err();
            assert!(
                matches!(&err, WriteError::Io(e) if e.kind() == ErrorKind::PermissionDenied),
                "{err:?}"
            );
            assert!(err.to_string().starts_with("cannot write: "), "{err}");
            assert_eq!(fs::read(&file).unwrap(), OLD);
        }
        assert_eq!(mode(&file), 0o444);
        assert_eq!(listing(dir.path()), before);
    }

    #[test]
    fn temp_names_are_unique_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let long = "D".repeat(250);
        let a = TempFile::create(dir.path(), OsStr::new(&long)).unwrap();
        let b = TempFile::create(dir.path(), OsStr::new(&long)).unwrap();
        assert_ne!(a.path(), b.path());
        let name = a.path().file_name().unwrap().as_bytes().to_vec();
        assert!(name.len() <= 255, "{}", name.len());
        assert!(name.starts_with(b".DDD") && name.ends_with(b".tmp"));
        assert_eq!(listing(dir.path()).len(), 2);
        drop(a);
        drop(b);
        assert!(listing(dir.path()).is_empty());
    }

    #[test]
    fn long_file_name_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("D".repeat(250));
        fs::write(&file, OLD).unwrap();
        let roots = [dir.path().to_path_buf()];
        write_fixed(&target(&file, &roots), NEW).unwrap();
        assert_eq!(fs::read(&file).unwrap(), NEW);
        assert_eq!(listing(dir.path()).len(), 1);
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            WriteError::HardLinks(3).to_string(),
            "has 3 links; not rewritten, use --diff"
        );
        let io = WriteError::from(io::Error::new(ErrorKind::PermissionDenied, "denied"));
        assert_eq!(io.to_string(), "cannot write: denied");
        assert!(std::error::Error::source(&io).is_some());
        assert!(std::error::Error::source(&WriteError::Changed).is_none());
    }
}
