//! Files only the user may read: guanxi's local state (replica id, lock,
//! the view of every customer), exports written with `-o`, the editor's
//! temporary file. Folders are made 0700 and files 0600 whatever the
//! umask. Workspace files are not made here: teammates must read them, so
//! they keep the umask.
//!
//! On systems without Unix permissions these are plain creates.

use std::fs::{self, File};
use std::io;
use std::path::Path;

/// Makes `dir` (and any missing parents, with the usual permissions) and
/// leaves `dir` itself readable by its owner only, tightening it when it
/// already existed.
pub fn dir(dir: &Path) -> io::Result<()> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => {}
        Err(e) => return Err(e),
    }
    tighten_one(dir);
    Ok(())
}

/// Options that create a file readable by its owner only (an existing
/// file keeps its mode: see `tighten`).
pub fn options() -> fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Creates (or empties) a private file for writing.
pub fn create(path: &Path) -> io::Result<File> {
    options().write(true).create(true).truncate(true).open(path)
}

/// Writes a whole private file. A regular file that was already there is
/// tightened too: what is written is private whoever made the file.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = create(path)?;
    tighten_file(path);
    file.write_all(bytes)
}

/// Writes `bytes` over a small private file's content where it is, cutting
/// what is left past them, rather than emptying it first: a file emptied
/// and written again (or replaced by a rename) is flushed by ext4 as it
/// is closed, and its old blocks freed (and, on a disk mounted with
/// `discard`, trimmed) at once, which cost a command that rewrites a note
/// or two a millisecond. A reader must tell a torn write by itself (a
/// check, or a process that holds the workspace's lock writing alone).
pub fn overwrite(path: &Path, bytes: &[u8]) -> io::Result<File> {
    use std::io::{Seek, Write};
    let mut file = options().write(true).create(true).truncate(false).open(path)?;
    let len = file.metadata()?.len();
    file.write_all(bytes)?;
    if len > bytes.len() as u64 {
        file.set_len(bytes.len() as u64)?;
    }
    file.seek(io::SeekFrom::Start(0))?;
    Ok(file)
}

/// Takes group and other permissions away from a regular file that was
/// there before `create` (which sets them only on a new one).
pub fn tighten_file(path: &Path) {
    if fs::metadata(path).is_ok_and(|m| m.is_file()) {
        tighten_one(path);
    }
}

/// Creates a new private file, failing if the name is taken (a file in a
/// shared temporary folder must not be one someone else prepared).
pub fn create_new(path: &Path) -> io::Result<File> {
    options().write(true).create_new(true).open(path)
}

/// Takes group and other permissions away from `root` and everything in
/// it (symbolic links are left alone). For files made by code that does
/// not ask for private modes: sled's database files, and files from
/// before guanxi made its state private. Best effort: a file that cannot
/// be changed is left as it is.
pub fn tighten(root: &Path) {
    tighten_one(root);
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        match entry.file_type() {
            Ok(t) if t.is_dir() => tighten(&entry.path()),
            Ok(t) if t.is_file() => tighten_one(&entry.path()),
            _ => {}
        }
    }
}

#[cfg(unix)]
fn tighten_one(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode();
    if !meta.file_type().is_symlink() && mode & 0o077 != 0 {
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode & !0o077));
    }
}

#[cfg(not(unix))]
fn tighten_one(_path: &Path) {}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_made_and_tightened_private() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("a/b");
        dir(&state).unwrap();
        assert_eq!(mode(&state), 0o700);
        write(&state.join("replica"), b"x").unwrap();
        assert_eq!(mode(&state.join("replica")), 0o600);

        // Made by someone else, readable by all: tightened, contents kept.
        let open = tmp.path().join("open");
        fs::create_dir_all(open.join("view/blobs")).unwrap();
        fs::write(open.join("view/db"), b"data").unwrap();
        for p in [open.clone(), open.join("view"), open.join("view/blobs")] {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o777)).unwrap();
        }
        fs::set_permissions(open.join("view/db"), fs::Permissions::from_mode(0o666)).unwrap();
        tighten(&open);
        assert_eq!(mode(&open), 0o700);
        assert_eq!(mode(&open.join("view/blobs")), 0o700);
        assert_eq!(mode(&open.join("view/db")), 0o600);
        assert_eq!(fs::read(open.join("view/db")).unwrap(), b"data");

        fs::set_permissions(&open, fs::Permissions::from_mode(0o755)).unwrap();
        dir(&open).unwrap();
        assert_eq!(mode(&open), 0o700, "an existing folder is tightened");
    }

    #[test]
    fn a_new_file_must_really_be_new() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("edit.txt");
        create_new(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert!(create_new(&path).is_err());
    }

    #[test]
    fn overwrite_leaves_exactly_the_new_bytes_in_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("note");
        overwrite(&path, b"14625 14626").unwrap();
        let inode = std::os::unix::fs::MetadataExt::ino(&fs::metadata(&path).unwrap());
        overwrite(&path, b"7 9").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"7 9", "what was past the new bytes is cut");
        overwrite(&path, b"100000 100001").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"100000 100001");
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(
            std::os::unix::fs::MetadataExt::ino(&meta),
            inode,
            "written over, not replaced"
        );
        assert_eq!(mode(&path), 0o600);
    }
}
