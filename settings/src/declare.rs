//! The macro that turns the one declaration of the settings (`table.rs`) into [`Setting`]
//! and everything read from it: the names, the kinds, the defaults, the refusals and the
//! rows of the key table.
//!
//! [`Setting`]: crate::Setting

/// Declares every setting once: its variant, its name, its kind, its default, what a value
/// out of range must be, and its row in the key table.
macro_rules! declare_settings {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal {
            kind: $kind:expr,
            default: $default:expr,
            must_be: $must:literal,
            row: [$value:literal, $default_doc:literal, $meaning:literal],
        }
    )*) => {
        /// One setting of a breaker.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum Setting {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Setting {
            /// Every setting, in the order of the key table.
            pub const ALL: [Setting; [$($name),*].len()] = [$(Setting::$variant),*];

            /// The setting as written in the attribute and in the `FUSEBOX_CONFIG` file.
            pub const fn name(self) -> &'static str {
                match self { $(Setting::$variant => $name,)* }
            }

            /// The kind of value the setting takes, with its range.
            pub const fn kind(self) -> Kind {
                match self { $(Setting::$variant => $kind,)* }
            }

            /// The setting's value in `Config::new()`; `None` where it is unset by default.
            pub const fn default_value(self) -> Option<Value> {
                match self { $(Setting::$variant => $default,)* }
            }

            /// What a value of the setting must be, as a refusal says it ("at least 1").
            pub const fn must_be(self) -> &'static str {
                match self { $(Setting::$variant => $must,)* }
            }

            /// The message of a site whose setting is out of range, written out for a `const`
            /// panic, which cannot format one.
            pub const fn refusal(self) -> &'static str {
                match self {
                    $(Setting::$variant => concat!(
                        "invalid breaker settings: `", $name, "` must be ", $must
                    ),)*
                }
            }

            /// The setting's row in the key table of the README and the attribute's rustdoc.
            pub const fn row(self) -> &'static str {
                match self {
                    $(Setting::$variant => concat!(
                        "| `", $name, "` | ", $value, " | ", $default_doc, " | ", $meaning, " |"
                    ),)*
                }
            }
        }

        /// The rows of the settings in the key table, one a line, as a string literal: the
        /// attribute's rustdoc includes it with `#[doc = fusebox_settings::setting_rows!()]`.
        #[macro_export]
        macro_rules! setting_rows {
            () => {
                concat!($("| `", $name, "` | ", $value, " | ", $default_doc, " | ", $meaning, " |\n",)*)
            };
        }
    };
}
