//! Which files make up an inventory, found as ansible-core 2.19 finds
//! them: the files of an inventory directory (InventoryManager's walk),
//! and the group_vars/ and host_vars/ files for a group or host (the
//! host_group_vars plugin and DataLoader.find_vars_files).

use std::collections::{HashMap, HashSet};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::exit::Problem;
use crate::messages::inventory as say;

/// Extensions an inventory directory's walk skips: Ansible's REJECT_EXTS
/// and INVENTORY_IGNORE_EXTS, matched at the end of the name.
const IGNORED_ENDINGS: [&str; 12] = [
    ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg", ".retry",
];
/// Names the walk skips wherever they are.
const IGNORED_NAMES: [&str; 3] = ["host_vars", "group_vars", "vars_plugins"];
/// The extensions of variables files, after the bare name
/// (YAML_FILENAME_EXTENSIONS).
const VARS_EXTENSIONS: [&str; 3] = [".yml", ".yaml", ".json"];

/// Whether an inventory directory's walk skips this entry.
pub fn ignored(name: &[u8]) -> bool {
    name.starts_with(b".")
        || IGNORED_NAMES.iter().any(|n| name == n.as_bytes())
        || IGNORED_ENDINGS.iter().any(|e| name.ends_with(e.as_bytes()))
}

/// The inventory files of one source.
#[derive(Debug)]
pub struct Files {
    /// The source is a directory.
    pub directory: bool,
    pub files: Vec<PathBuf>,
}

/// The inventory files a source names: the file itself, or every file of
/// the directory and the directories in it, in sorted order, skipping
/// hidden entries, group_vars, host_vars and the extensions Ansible skips.
pub fn inventory_files(source: &Path) -> Result<Files> {
    let shown = source.display().to_string();
    let one = |source: &Path| Files {
        directory: false,
        files: vec![source.to_owned()],
    };
    if !source.exists() {
        if shown.contains(',') {
            return Err(Problem::usage(say::host_list(&shown))
                .fix(say::HOST_LIST_FIX)
                .into());
        }
        // Reading it says what is wrong: missing, or unreadable.
        return Ok(one(source));
    }
    if !source.is_dir() {
        return Ok(one(source));
    }
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    walk(source, &mut seen, &mut files)?;
    Ok(Files {
        directory: true,
        files,
    })
}

/// The directory a source's group_vars/ and host_vars/ are in: the
/// source itself when it is a directory.
pub fn base(source: &Path) -> PathBuf {
    if source.is_dir() {
        return source.to_owned();
    }
    source.parent().map(Path::to_owned).unwrap_or_default()
}

/// One name for a directory however it is written.
pub fn identity(dir: &Path) -> PathBuf {
    let dir = match dir.as_os_str().is_empty() {
        true => Path::new("."),
        false => dir,
    };
    dir.canonicalize().unwrap_or_else(|_| dir.to_owned())
}

/// Depth first, sorted by name as Python sorts bytes. A directory already
/// walked (a symbolic link back up) is not walked again.
fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, files: &mut Vec<PathBuf>) -> Result<()> {
    if !seen.insert(dir.canonicalize().unwrap_or_else(|_| dir.to_owned())) {
        return Ok(());
    }
    for path in sorted(dir)? {
        let name = path.file_name().map(OsStrExt::as_bytes).unwrap_or_default();
        if ignored(name) {
            continue;
        }
        if path.is_dir() {
            walk(&path, seen, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let unreadable =
        |err: std::io::Error| Problem::usage(say::unlistable(dir, &err)).fix(say::UNLISTABLE_FIX);
    let mut paths = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(unreadable)?;
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(paths)
}

/// A group_vars/ or host_vars/ directory: for each name that has
/// variables there, the file or directory Ansible reads for it.
#[derive(Debug, Default)]
pub struct VarsDir {
    pub found: HashMap<String, PathBuf>,
    /// It exists but is no directory: Ansible warns and reads nothing.
    pub not_a_directory: bool,
}

/// For each name, the first of NAME, NAME.yml, NAME.yaml, NAME.json that
/// exists; only that one is read, as in Ansible.
pub fn vars_dir(dir: &Path) -> Result<VarsDir> {
    if !dir.exists() {
        return Ok(VarsDir::default());
    }
    if !dir.is_dir() {
        return Ok(VarsDir {
            found: HashMap::new(),
            not_a_directory: true,
        });
    }
    let mut best: HashMap<String, (usize, PathBuf)> = HashMap::new();
    for path in sorted(dir)? {
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !path.exists() {
            continue;
        }
        let mut forms = vec![(name.to_owned(), 0)];
        for (rank, ext) in VARS_EXTENSIONS.iter().enumerate() {
            if let Some(stem) = name.strip_suffix(ext) {
                forms.push((stem.to_owned(), rank + 1));
            }
        }
        for (entity, rank) in forms {
            let better = best.get(&entity).is_none_or(|(was, _)| rank < *was);
            if better {
                best.insert(entity, (rank, path.clone()));
            }
        }
    }
    Ok(VarsDir {
        found: best
            .into_iter()
            .map(|(name, (_, path))| (name, path))
            .collect(),
        not_a_directory: false,
    })
}

/// The files of the variables for one name: the file, or the files of the
/// directory and those below it, in sorted order, hidden files and
/// backups skipped, only files with no extension or a variables one.
pub fn vars_files(found: &Path) -> Result<Vec<PathBuf>> {
    if !found.is_dir() {
        return Ok(vec![found.to_owned()]);
    }
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    vars_walk(found, &mut seen, &mut files)?;
    Ok(files)
}

fn vars_walk(dir: &Path, seen: &mut HashSet<PathBuf>, files: &mut Vec<PathBuf>) -> Result<()> {
    if !seen.insert(dir.canonicalize().unwrap_or_else(|_| dir.to_owned())) {
        return Ok(());
    }
    for path in sorted(dir)? {
        let name = path.file_name().map(OsStrExt::as_bytes).unwrap_or_default();
        if name.starts_with(b".") || name.ends_with(b"~") {
            continue;
        }
        // Python's splitext: the last dot's suffix; none for a leading one.
        let ext = match name.iter().rposition(|b| *b == b'.') {
            Some(dot) if dot > 0 => &name[dot..],
            _ => &[][..],
        };
        if path.is_dir() && ext.is_empty() {
            vars_walk(&path, seen, files)?;
        } else if path.is_file()
            && (ext.is_empty() || VARS_EXTENSIONS.iter().any(|e| e.as_bytes() == ext))
        {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, names: &[&str]) {
        for name in names {
            let path = root.join(name);
            if let Some(stripped) = name.strip_suffix('/') {
                std::fs::create_dir_all(root.join(stripped)).unwrap();
            } else {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "a: 1\n").unwrap();
            }
        }
    }

    fn names(root: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn a_directory_is_walked_sorted_skipping_what_ansible_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(
            root,
            &[
                "b.yml",
                "a.ini",
                "sub/z",
                "sub/group_vars/all.yml",
                "group_vars/all.yml",
                "host_vars/h",
                ".hidden",
                "notes.md",
                "old.ini~",
                "x.retry",
                "hosts.cfg",
                "vars_plugins/p.py",
                "B",
            ],
        );
        let listed = inventory_files(root).unwrap();
        assert!(listed.directory);
        assert_eq!(names(root, &listed.files), ["B", "a.ini", "b.yml", "sub/z"]);
    }

    #[test]
    fn only_the_first_name_form_is_read_and_directories_recursively() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(
            root,
            &[
                "all.yml",
                "all.json",
                "web",
                "web.yml",
                "db.yaml",
                "db.json",
                "k8s/b.yml",
                "k8s/a.json",
                "k8s/.hidden.yml",
                "k8s/x.yml~",
                "k8s/notes.txt",
                "k8s/plain",
                "k8s/deeper/c.yml",
                "k8s/skip.d/d.yml",
                "odd.yml/in.yml",
            ],
        );
        let listed = vars_dir(root).unwrap();
        let chosen = |name: &str| {
            listed.found[name]
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(chosen("all"), "all.yml");
        assert_eq!(chosen("web"), "web");
        assert_eq!(chosen("db"), "db.yaml");
        let files = vars_files(&listed.found["k8s"]).unwrap();
        assert_eq!(
            names(root, &files),
            ["k8s/a.json", "k8s/b.yml", "k8s/deeper/c.yml", "k8s/plain"]
        );
        assert_eq!(
            names(root, &vars_files(&listed.found["odd"]).unwrap()),
            ["odd.yml/in.yml"]
        );
        assert!(vars_dir(&root.join("web")).unwrap().not_a_directory);
        assert!(vars_dir(&root.join("absent")).unwrap().found.is_empty());
    }

    #[test]
    fn an_unreadable_directory_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = sorted(&dir.path().join("absent")).unwrap_err();
        assert_eq!(crate::exit::fix_of(&err), Some(say::UNLISTABLE_FIX));
    }

    #[test]
    fn a_comma_in_a_missing_source_is_a_host_list() {
        let err = inventory_files(Path::new("a.yml,b.yml")).unwrap_err();
        assert_eq!(crate::exit::fix_of(&err), Some(say::HOST_LIST_FIX));
        assert!(ignored(b".git") && ignored(b"group_vars") && !ignored(b"hosts.ini"));
    }
}
