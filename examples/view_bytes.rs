//! Bytes of each kind of key in a view (a measuring aid, not shipped).
fn main() {
    let dir = std::env::args().nth(1).expect("a view folder");
    let db = sled::open(&dir).expect("open");
    let tree = db.open_tree("view").expect("tree");
    let mut by: std::collections::BTreeMap<u8, (usize, usize)> = Default::default();
    for e in tree.iter() {
        let (k, v) = e.expect("entry");
        let s = by.entry(k[0]).or_default();
        s.0 += 1;
        s.1 += k.len() + v.len();
    }
    for (k, (n, b)) in by {
        println!("{} {n} keys {b} bytes", k as char);
    }
    println!("size_on_disk {}", db.size_on_disk().unwrap_or(0));
}
