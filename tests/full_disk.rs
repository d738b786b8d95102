//! A full disk under the local state: the import stops saying what was
//! saved, and once there is room again the view is usable and the same
//! import finishes. Needs a small file system of its own: a tmpfs, which
//! only root can mount. `.ci/run` runs as root and sets
//! GUANXI_REQUIRE_FULL_DISK=1 so the test cannot skip there; elsewhere it
//! skips with a note when it cannot mount.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Sandbox;

struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Mount(at.to_path_buf()))
    }

    fn resize(&self, size: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).output();
    }
}

fn contacts(path: &Path, n: usize) {
    let mut text = String::from("Name,Email,Phone,Company,Notes\n");
    for i in 0..n {
        text.push_str(&format!(
            "Khách hàng {i},k{i}@example.com,+84 90{i:07},Công ty {},{}\n",
            i % 300,
            "ghi chú ".repeat(40)
        ));
    }
    std::fs::write(path, text).unwrap();
}

fn count(s: &Sandbox) -> usize {
    s.json(&["list", "--json"]).as_array().unwrap().len()
}

#[test]
fn a_full_local_disk_stops_an_import_with_what_was_saved_and_loses_nothing() {
    let s = Sandbox::new();
    let Some(mount) = Mount::tmpfs(&s.home().join(".local/share"), "3M") else {
        assert!(
            std::env::var_os("GUANXI_REQUIRE_FULL_DISK").is_none(),
            "GUANXI_REQUIRE_FULL_DISK is set but a tmpfs cannot be mounted"
        );
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    };
    let file = s.dir.path().join("contacts.csv");
    contacts(&file, 5000);
    s.ok(&["init", s.workspace().to_str().unwrap()]);
    let out = s.run(&["import", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("of 5,000 records saved; run the same import again to continue"),
        "{stderr}"
    );
    assert!(stderr.contains("local data is full"), "{stderr}");
    assert!(!stderr.contains("Os {"), "no raw error text: {stderr}");

    // Room again: the view opens, holds at least what was said saved, and
    // the same import finishes.
    mount.resize("64M");
    assert!(count(&s) >= 2000);
    s.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(count(&s), 5000);
    assert!(s.ok(&["doctor"]).contains("healthy"));
}
