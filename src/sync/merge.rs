//! Last-writer-wins registers: the merge rule that makes replicas converge.
//!
//! Each changeable part of a record (a field, one tag, one factor score) is
//! a register remembering the stamp of its last write. A write wins when its
//! stamp is greater, so applying the same writes in any order, any number
//! of times, ends in the same state. A deletion is a register too (the
//! `deleted` flag), which is how an explicit restore can beat it.
//!
//! To keep records small, the fields a creation writes share its stamp
//! (`created`) and only later writes are listed in `written`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::hlc::Stamp;

/// A value with registers: how the store merges one kind of record.
pub trait Registered {
    type Key: Ord + Clone;
    type Field;

    fn key_of(field: &Self::Field) -> Self::Key;
    fn apply(&mut self, field: Self::Field);
    fn read(&self, key: &Self::Key) -> Self::Field;
    /// Whether a creation writes this register (and so its stamp stands in).
    fn written_by_creation(_key: &Self::Key) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registers<K: Ord> {
    pub created: Option<Stamp>,
    pub written: BTreeMap<K, Stamp>,
}

impl<K: Ord> Default for Registers<K> {
    fn default() -> Self {
        Registers {
            created: None,
            written: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Clone> Registers<K> {
    /// The stamp of the last write to `key`.
    pub fn stamp_of<T: Registered<Key = K>>(&self, key: &K) -> Stamp {
        match self.written.get(key) {
            Some(s) => *s,
            None if T::written_by_creation(key) => self.created.unwrap_or(Stamp::ZERO),
            None => Stamp::ZERO,
        }
    }

    /// The latest write of any kind, for "last updated".
    pub fn latest(&self) -> Stamp {
        self.written
            .values()
            .copied()
            .chain(self.created)
            .max()
            .unwrap_or(Stamp::ZERO)
    }

    /// Offers writes made at `stamp`; each wins only over an older write.
    /// Within one op the first write to a register wins (a second one has an
    /// equal stamp), which keeps re-application a no-op. With `create`, the
    /// op also creates the record. Returns whether anything changed.
    pub fn merge<T: Registered<Key = K>>(
        &mut self,
        target: &mut T,
        fields: impl IntoIterator<Item = T::Field>,
        stamp: Stamp,
        create: bool,
    ) -> bool {
        let mut changed = false;
        // A creation that wins becomes the stamp its covered fields share,
        // so they need no entry of their own.
        let becomes_created = create && self.created.is_none_or(|c| c < stamp);
        for field in fields {
            let key = T::key_of(&field);
            if stamp > self.stamp_of::<T>(&key) {
                target.apply(field);
                if !(becomes_created && T::written_by_creation(&key)) {
                    self.written.insert(key, stamp);
                } else if !self.written.is_empty() {
                    // An older write this creation overrides.
                    self.written.remove(&key);
                }
                changed = true;
            }
        }
        if becomes_created {
            self.created = Some(stamp);
            if !self.written.is_empty() {
                self.written.retain(|k, s| !(T::written_by_creation(k) && *s == stamp));
            }
            changed = true;
        }
        changed
    }

    /// The writes that would put back the current values of `keys`.
    pub fn current<T: Registered<Key = K>>(target: &T, keys: impl IntoIterator<Item = K>) -> Vec<T::Field> {
        keys.into_iter().map(|k| target.read(&k)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy record: two named slots.
    #[derive(Debug, Default, Clone, PartialEq)]
    struct Pair {
        a: u32,
        b: u32,
    }

    impl Registered for Pair {
        type Key = char;
        type Field = (char, u32);
        fn key_of(f: &(char, u32)) -> char {
            f.0
        }
        fn apply(&mut self, f: (char, u32)) {
            match f.0 {
                'a' => self.a = f.1,
                _ => self.b = f.1,
            }
        }
        fn read(&self, k: &char) -> (char, u32) {
            (*k, if *k == 'a' { self.a } else { self.b })
        }
    }

    fn s(clock: u64, replica: u64) -> Stamp {
        Stamp { clock, replica }
    }

    type Write = (Vec<(char, u32)>, Stamp, bool);

    fn run(writes: &[Write]) -> (Pair, Registers<char>) {
        let mut p = Pair::default();
        let mut r = Registers::default();
        for (fields, stamp, create) in writes {
            r.merge(&mut p, fields.clone(), *stamp, *create);
        }
        (p, r)
    }

    #[test]
    fn later_write_wins_in_any_order() {
        let create: Write = (vec![('a', 1), ('b', 1)], s(10, 1), true);
        let edit_a: Write = (vec![('a', 2)], s(20, 2), false);
        let edit_a_older: Write = (vec![('a', 3)], s(15, 3), false);
        let orders = [
            vec![create.clone(), edit_a.clone(), edit_a_older.clone()],
            vec![edit_a_older.clone(), edit_a.clone(), create.clone()],
            vec![edit_a.clone(), create.clone(), edit_a_older.clone(), edit_a.clone()],
        ];
        let results: Vec<_> = orders.iter().map(|o| run(o)).collect();
        for r in &results {
            assert_eq!(r.0, Pair { a: 2, b: 1 });
            assert_eq!(r.1, results[0].1, "stored registers must not depend on order");
        }
    }

    #[test]
    fn a_creation_beats_an_older_write_that_arrived_first() {
        let older: Write = (vec![('a', 9)], s(5, 2), false);
        let create: Write = (vec![('a', 1), ('b', 1)], s(10, 1), true);
        let one = run(&[older.clone(), create.clone()]);
        let other = run(&[create, older]);
        assert_eq!(one.0, Pair { a: 1, b: 1 });
        assert_eq!(one, other, "same value and same registers in either order");
    }

    #[test]
    fn ties_break_by_replica() {
        let x: Write = (vec![('a', 7)], s(10, 1), false);
        let y: Write = (vec![('a', 8)], s(10, 2), false);
        assert_eq!(run(&[x.clone(), y.clone()]).0.a, 8);
        assert_eq!(run(&[y, x]).0.a, 8);
    }

    #[test]
    fn reapplying_changes_nothing() {
        let w: Write = (vec![('a', 1)], s(5, 1), true);
        let (mut p, mut r) = run(std::slice::from_ref(&w));
        assert!(!r.merge(&mut p, w.0.clone(), w.1, w.2));
        assert_eq!(r.written.len(), 0, "creation stamps are not listed per field");
        assert_eq!(r.latest(), s(5, 1));
    }

    #[test]
    fn current_values_restore() {
        let (p, _) = run(&[(vec![('a', 4), ('b', 5)], s(1, 1), true)]);
        assert_eq!(Registers::<char>::current(&p, ['b']), vec![('b', 5)]);
    }
}
