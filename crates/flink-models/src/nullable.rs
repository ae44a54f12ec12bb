//! `Nullable<T>`: a field Flink may leave out, send as `null`, or send with a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that Flink leaves out, sends as `null`, or sends with a value, kept as it came.
///
/// `Option<T>` would fold `null` and a missing key into `None`, so a decoded answer would
/// encode back without the key. Use it as a struct field with
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`: absent stays absent,
/// `null` stays `null`.
///
/// ```
/// use flink_models::Nullable;
///
/// let sent: Nullable<String> = serde_json::from_str("null")?;
/// assert_eq!(sent, Nullable::Null);
/// assert_eq!(sent.value(), None);
/// assert_eq!(serde_json::to_string(&sent)?, "null");
/// assert_eq!(Nullable::from(Some(5)).into_value(), Some(5));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The key was not sent.
    #[default]
    Absent,
    /// The key was sent as `null`.
    Null,
    /// The key was sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if one was sent (`None` for both absent and `null`).
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if one was sent, by value.
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value dereferenced (`&str` for a `Nullable<String>`), if one was sent.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.value().map(std::ops::Deref::deref)
    }

    /// Whether a value was sent.
    pub fn has_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// Whether the key was not sent at all (serde's `skip_serializing_if` test).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the key was sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }
}

/// `Some` becomes a value, `None` an absent key (what a request builder means by "not set").
impl<T> From<Option<T>> for Nullable<T> {
    fn from(option: Option<T>) -> Self {
        option.map_or(Self::Absent, Self::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    /// A value as itself, anything else as `null`; a struct leaves an absent field out with
    /// `skip_serializing_if = "Nullable::is_absent"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => serializer.serialize_some(value),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// `null` as [`Nullable::Null`], anything else as a value; a missing key becomes
    /// [`Nullable::Absent`] through `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|option| option.map_or(Self::Null, Self::Value))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::Nullable;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        field: Nullable<i64>,
    }

    #[test]
    fn absent_null_and_value_each_come_back_as_they_came() {
        for (json, expected) in [
            ("{}", Nullable::Absent),
            (r#"{"field":null}"#, Nullable::Null),
            (r#"{"field":7}"#, Nullable::Value(7)),
        ] {
            let holder: Holder = serde_json::from_str(json).unwrap();
            assert_eq!(holder.field, expected, "{json}");
            assert_eq!(serde_json::to_string(&holder).unwrap(), json);
        }
    }

    #[test]
    fn accessors_see_only_a_sent_value() {
        let name = Nullable::Value("flink".to_owned());
        assert_eq!(name.as_deref(), Some("flink"));
        assert!(name.has_value() && !name.is_null() && !name.is_absent());
        for empty in [Nullable::<String>::Absent, Nullable::Null] {
            assert_eq!(empty.value(), None);
            assert!(!empty.has_value());
            assert_eq!(empty.into_value(), None);
        }
        assert_eq!(Nullable::<i32>::default(), Nullable::Absent);
        assert_eq!(Nullable::from(None::<i32>), Nullable::Absent);
        assert_eq!(Nullable::from(Some(3)), Nullable::Value(3));
    }
}
