//! How an interaction happened (seeds 001, 002: every touchpoint).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::InputError;
use super::text::fold;

/// Stored by position: never reorder these variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    Call,
    Email,
    Meeting,
    Message,
    Mail,
    Social,
    Event,
    Purchase,
    Support,
    Other,
}

const NAMES: [(&str, &str, &str); 10] = [
    ("call", "cuộc gọi", "电话"),
    ("email", "email", "邮件"),
    ("meeting", "cuộc họp", "会面"),
    ("message", "tin nhắn", "消息"),
    ("mail", "thư", "信函"),
    ("social", "mạng xã hội", "社交"),
    ("event", "sự kiện", "活动"),
    ("purchase", "mua hàng", "购买"),
    ("support", "hỗ trợ", "支持"),
    ("other", "khác", "其他"),
];

impl Channel {
    pub const ALL: [Channel; 10] = [
        Channel::Call,
        Channel::Email,
        Channel::Meeting,
        Channel::Message,
        Channel::Mail,
        Channel::Social,
        Channel::Event,
        Channel::Purchase,
        Channel::Support,
        Channel::Other,
    ];

    pub fn key(self) -> &'static str {
        NAMES[self as usize].0
    }

    pub fn vietnamese(self) -> &'static str {
        NAMES[self as usize].1
    }

    pub fn chinese(self) -> &'static str {
        NAMES[self as usize].2
    }

    pub fn parse(s: &str) -> Result<Channel, InputError> {
        let folded = fold(s);
        let alias = match folded.as_str() {
            "phone" | "tel" => Some(Channel::Call),
            "e-mail" => Some(Channel::Email),
            "visit" | "meet" => Some(Channel::Meeting),
            "sms" | "chat" | "zalo" | "wechat" => Some(Channel::Message),
            "letter" | "direct-mail" | "post" => Some(Channel::Mail),
            "sale" | "order" => Some(Channel::Purchase),
            _ => None,
        };
        alias
            .or_else(|| {
                NAMES
                    .iter()
                    .position(|(en, vi, zh)| folded == *en || folded == fold(vi) || folded == *zh)
                    .map(|i| Self::ALL[i])
            })
            .ok_or_else(|| InputError::UnknownChannel(s.trim().to_string()))
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Who reached out. Stored by position: never reorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Direction {
    /// The seller contacted the customer.
    #[default]
    Outbound,
    /// The customer contacted the seller.
    Inbound,
}

impl Direction {
    pub fn key(self) -> &'static str {
        match self {
            Direction::Outbound => "out",
            Direction::Inbound => "in",
        }
    }

    pub fn parse(s: &str) -> Result<Direction, InputError> {
        match fold(s).as_str() {
            "out" | "outbound" | "outgoing" | "di" => Ok(Direction::Outbound),
            "in" | "inbound" | "incoming" | "den" => Ok(Direction::Inbound),
            _ => Err(InputError::UnknownDirection(s.trim().to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_aliases() {
        assert_eq!(Channel::parse("Call").unwrap(), Channel::Call);
        assert_eq!(Channel::parse("phone").unwrap(), Channel::Call);
        assert_eq!(Channel::parse("mua hang").unwrap(), Channel::Purchase);
        assert_eq!(Channel::parse("购买").unwrap(), Channel::Purchase);
        assert_eq!(Channel::parse("zalo").unwrap(), Channel::Message);
        assert!(Channel::parse("pigeon").is_err());
        assert_eq!(Direction::parse("IN").unwrap(), Direction::Inbound);
        assert!(Direction::parse("sideways").is_err());
    }

    #[test]
    fn keys_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.key()).unwrap(), c);
            assert_eq!(Channel::parse(c.vietnamese()).unwrap(), c);
            assert_eq!(Channel::parse(c.chinese()).unwrap(), c);
        }
    }
}
