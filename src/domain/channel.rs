//! How an interaction happened (seeds 001, 002: every touchpoint).

use serde::{Deserialize, Serialize};

use super::error::InputError;
use super::names::closed_enum;
use super::text::fold;

closed_enum! {
    pub enum Channel in "channel" {
        Call = "call",
        Email = "email",
        Meeting = "meeting",
        Message = "message",
        Mail = "mail",
        Social = "social",
        Event = "event",
        Purchase = "purchase",
        Support = "support",
        Other = "other",
    }
}

impl Channel {
    /// Accepts the key, a common alias (`phone`, `zalo`...) or the name in
    /// any catalogue.
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
            .or_else(|| Self::named(&folded))
            .ok_or_else(|| InputError::UnknownChannel(s.trim().to_string()))
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
            for name in crate::lexicon::texts(&format!("channel.{}", c.key())) {
                assert_eq!(Channel::parse(name).unwrap(), c);
            }
        }
    }
}
