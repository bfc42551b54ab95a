//! String enums that stay open: a value the server adds later decodes into
//! `Unrecognized` and is written back unchanged.
//!
//! progenitor would turn each `enum` of the spec into a closed Rust enum that
//! fails on the first new value. The generator settings replace those schemas
//! with the types here; the documented values still come from the spec (a
//! unit test below compares them).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        ///
        /// A value the client does not know decodes into `Unrecognized` and
        /// is written back exactly as received.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the client does not know, kept as sent.
            Unrecognized(String),
        }

        impl $name {
            /// Every documented value, in the spec's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unrecognized(other) => other,
                }
            }

            /// Whether this is a value the client does not know.
            pub fn is_unrecognized(&self) -> bool {
                matches!(self, $name::Unrecognized(_))
            }

            fn from_wire(value: Cow<'_, str>) -> Self {
                match &*value {
                    $( $wire => $name::$variant, )+
                    _ => $name::Unrecognized(value.into_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Parsing never fails: an unknown spelling becomes `Unrecognized`.
        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from_wire(Cow::Borrowed(s)))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::from_wire(Cow::Borrowed(s))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(WireVisitor(stringify!($name))).map($name::from_wire)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_owned()
            }

            fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
                known_values_schema(&[$($wire),+])
            }
        }
    };
}

/// Reads a JSON string without copying it when the input allows.
struct WireVisitor(&'static str);

impl<'de> serde::de::Visitor<'de> for WireVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} string", self.0)
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// A string schema that lists the documented values without forbidding
/// others, so a validator does not reject a value the server adds.
fn known_values_schema(known: &[&str]) -> schemars::schema::Schema {
    let mut schema = schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        ..Default::default()
    };
    schema.metadata().description = Some(format!(
        "One of {}; other values may appear and are kept as sent.",
        known.join(", ")
    ));
    schema.metadata().examples = known.iter().map(|v| serde_json::json!(v)).collect();
    schema.into()
}

open_enum! {
    /// Kind of cluster a task writes roles into.
    ClusterType {
        /// An MRS (MapReduce Service) cluster.
        Mrs => "MRS",
        /// A DWS (GaussDB(DWS) data warehouse) cluster.
        Dws => "DWS",
    }
}

open_enum! {
    /// Unit of a task's scheduling interval.
    SchedulePeriod {
        /// The interval counts minutes.
        Minute => "MINUTE",
        /// The interval counts hours.
        Hour => "HOUR",
    }
}

open_enum! {
    /// Whether a task runs on its schedule.
    ScheduleStatus {
        /// Scheduling is off.
        NotSchedule => "NOT_SCHEDULE",
        /// The task runs on its schedule.
        Scheduling => "SCHEDULING",
    }
}

open_enum! {
    /// Outcome of a task's latest synchronization.
    SyncStatus {
        /// The service cannot tell (a documented value, not a client-side
        /// fallback: see `Unrecognized` for values the client does not know).
        Unknown => "UNKNOWN",
        /// The task has never run.
        NotSync => "NOT_SYNC",
        /// A run is in progress.
        Syncing => "SYNCING",
        /// The latest run succeeded.
        SyncSuccess => "SYNC_SUCCESS",
        /// The latest run failed.
        SyncFail => "SYNC_FAIL",
    }
}

open_enum! {
    /// Sort key of a task listing.
    OrderBy {
        /// By cluster name.
        ClusterName => "CLUSTER_NAME",
        /// By creation time.
        CreateTime => "CREATE_TIME",
        /// By last update time.
        UpdateTime => "UPDATE_TIME",
        /// By last synchronization time.
        SyncTime => "SYNC_TIME",
    }
}

impl SyncStatus {
    /// Whether the latest run has finished, successfully or not.
    pub fn is_terminal(&self) -> bool {
        matches!(self, SyncStatus::SyncSuccess | SyncStatus::SyncFail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented values of a schema, read from the spec itself, so the
    /// hand-written enums cannot drift from the single source of truth.
    fn spec_values(schema: &str) -> Vec<String> {
        let spec: serde_json::Value =
            serde_norway::from_str(include_str!("../../../openapi/dataarts-security.yaml"))
                .expect("spec is YAML");
        spec["components"]["schemas"][schema]["enum"]
            .as_array()
            .expect("schema has an enum")
            .iter()
            .map(|v| v.as_str().expect("enum values are strings").to_owned())
            .collect()
    }

    fn wire<T: serde::Serialize>(values: &[T]) -> Vec<String> {
        values
            .iter()
            .map(|v| {
                serde_json::to_value(v)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn documented_values_match_the_spec() {
        assert_eq!(wire(ClusterType::KNOWN), spec_values("ClusterType"));
        assert_eq!(wire(SchedulePeriod::KNOWN), spec_values("SchedulePeriod"));
        assert_eq!(wire(ScheduleStatus::KNOWN), spec_values("ScheduleStatus"));
        assert_eq!(wire(SyncStatus::KNOWN), spec_values("SyncStatus"));
        assert_eq!(wire(OrderBy::KNOWN), spec_values("OrderBy"));
    }

    #[test]
    fn an_unknown_value_decodes_and_is_written_back_unchanged() {
        let status: SyncStatus = serde_json::from_str("\"SYNC_PAUSED\"").unwrap();
        assert_eq!(status, SyncStatus::Unrecognized("SYNC_PAUSED".into()));
        assert!(status.is_unrecognized());
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"SYNC_PAUSED\"");
    }

    #[test]
    fn the_documented_unknown_is_not_the_fallback() {
        let status: SyncStatus = serde_json::from_str("\"UNKNOWN\"").unwrap();
        assert_eq!(status, SyncStatus::Unknown);
        assert!(!status.is_unrecognized());
    }

    #[test]
    fn matching_is_exact_so_case_variants_are_kept_as_sent() {
        assert_eq!(
            ClusterType::from("dws"),
            ClusterType::Unrecognized("dws".into())
        );
        assert_eq!(ClusterType::from("DWS"), ClusterType::Dws);
    }

    #[test]
    fn a_value_that_is_not_a_string_is_an_error() {
        let err = serde_json::from_str::<SchedulePeriod>("[\"HOUR\"]").unwrap_err();
        assert!(err.to_string().contains("a SchedulePeriod string"), "{err}");
    }

    #[test]
    fn escaped_strings_decode() {
        let period: SchedulePeriod = serde_json::from_str("\"HO\\u0055R\"").unwrap();
        assert_eq!(period, SchedulePeriod::Hour);
    }
}
