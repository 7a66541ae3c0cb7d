//! Declarations of messages, oneofs and enums: one macro call per protobuf type gives the Rust
//! type and its JSON reader, writer and walker, so the three cannot disagree about a field.
//!
//! A field is declared as `name: Type = (number, "jsonName", "proto_name")`; a oneof as
//! `name: Option<Enum> = oneof`. Fields are listed in field-number order, which is the order the
//! writer uses (as `MessageToJson` does).

/// Declares a message struct with public fields and implements [`crate::json::MessageJson`],
/// [`crate::json::JsonField`] and [`crate::Message`] for it.
macro_rules! message {
    (
        $(#[$attr:meta])*
        pub struct $name:ident = $full_name:literal {
            $(
                $(#[$field_attr:meta])*
                $field:ident : $ty:ty = $spec:tt,
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $(
                $(#[$field_attr])*
                pub $field: $ty,
            )*
        }

        impl $crate::json::MessageJson for $name {
            const FULL_NAME: &'static str = $full_name;

            #[allow(unused_variables, unused_mut)]
            fn read_object(
                map: &::serde_json::Map<::std::string::String, ::serde_json::Value>,
                r: &mut $crate::json::Reader,
            ) -> Self {
                let mut message = Self::default();
                let mut seen = $crate::json::Seen::new();
                for (key, value) in map {
                    let key: &str = key.as_str();
                    $( read_entry!($spec, message, $field, $ty, key, value, seen, r); )*
                    r.unknown_field(key, $full_name);
                }
                message
            }

            #[allow(unused_variables)]
            fn write_fields(&self, o: &mut $crate::json::ObjectWriter<'_>) {
                $( write_entry!($spec, self, $field, $ty, o); )*
            }

            #[allow(unused_variables)]
            fn walk_fields(&self, path: &mut $crate::json::JsonPath, visitor: &mut dyn $crate::json::Visitor) {
                $( walk_entry!($spec, self, $field, $ty, path, visitor); )*
            }
        }

        impl $crate::json::JsonField for $name {
            const HOLDS_MESSAGES: bool = true;

            fn read_json(json: &::serde_json::Value, r: &mut $crate::json::Reader) -> Option<Self> {
                $crate::json::read_message(json, r)
            }

            fn is_default(&self) -> bool {
                false
            }

            fn write_json(&self, w: &mut $crate::json::Writer) {
                w.object(|o| $crate::json::MessageJson::write_fields(self, o));
            }

            fn walk(&self, path: &mut $crate::json::JsonPath, visitor: &mut dyn $crate::json::Visitor) {
                visitor.visit(path, self);
                $crate::json::MessageJson::walk_fields(self, path, visitor);
            }
        }

        impl $crate::Message for $name {}
    };
}

/// The reading of one declared field inside `read_object`'s loop over keys.
macro_rules! read_entry {
    (
        ($number:literal, $json:literal, $proto:literal),
        $message:ident, $field:ident, $ty:ty, $key:ident, $value:ident, $seen:ident, $r:ident
    ) => {
        if $key == $json || $key == $proto {
            if $seen.claim_field($json, $key, $r) && !$value.is_null() {
                if let Some(read) = $r.key($key, |r| <$ty as $crate::json::JsonField>::read_json($value, r)) {
                    $message.$field = read;
                }
            }
            continue;
        }
    };
    (oneof, $message:ident, $field:ident, $ty:ty, $key:ident, $value:ident, $seen:ident, $r:ident) => {
        if let Some(reader) = <$ty as $crate::json::OneofField>::reader($key) {
            // A null member is as good as absent and does not count as setting the oneof.
            if !$value.is_null()
                && $seen.claim_oneof(<<$ty as $crate::json::OneofField>::Member as $crate::json::Oneof>::ONEOF_NAME, $key, $r)
            {
                if let Some(read) = $r.key($key, |r| reader($value, r)) {
                    $message.$field = Some(read);
                }
            }
            continue;
        }
    };
}

/// The writing of one declared field.
macro_rules! write_entry {
    (($number:literal, $json:literal, $proto:literal), $self:ident, $field:ident, $ty:ty, $o:ident) => {
        $o.field($json, &$self.$field);
    };
    (oneof, $self:ident, $field:ident, $ty:ty, $o:ident) => {
        $crate::json::OneofField::write_oneof(&$self.$field, $o);
    };
}

/// The walking of one declared field.
macro_rules! walk_entry {
    (($number:literal, $json:literal, $proto:literal), $self:ident, $field:ident, $ty:ty, $path:ident, $visitor:ident) => {
        if <$ty as $crate::json::JsonField>::HOLDS_MESSAGES {
            $path.with_key($json, |path| $crate::json::JsonField::walk(&$self.$field, path, $visitor));
        }
    };
    (oneof, $self:ident, $field:ident, $ty:ty, $path:ident, $visitor:ident) => {
        $crate::json::OneofField::walk_oneof(&$self.$field, $path, $visitor);
    };
}

/// Declares the enum of a oneof's members and implements [`crate::json::Oneof`] for it.
macro_rules! oneof {
    (
        $(#[$attr:meta])*
        pub enum $name:ident = $oneof_name:literal {
            $(
                $(#[$variant_attr:meta])*
                $variant:ident($ty:ty) = ($number:literal, $json:literal, $proto:literal),
            )*
        }
    ) => {
        $(#[$attr])*
        // Members are stored inline, as prost does; boxing them would buy little and cost every user.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $(
                $(#[$variant_attr])*
                $variant($ty),
            )*
        }

        impl $crate::json::Oneof for $name {
            const ONEOF_NAME: &'static str = $oneof_name;

            fn reader(key: &str) -> Option<fn(&::serde_json::Value, &mut $crate::json::Reader) -> Option<Self>> {
                $(
                    if key == $json || key == $proto {
                        return Some(|json, r| <$ty as $crate::json::JsonField>::read_json(json, r).map($name::$variant));
                    }
                )*
                None
            }

            fn write_member(&self, o: &mut $crate::json::ObjectWriter<'_>) {
                match self {
                    $( $name::$variant(value) => o.member($json, value), )*
                }
            }

            fn walk_member(&self, path: &mut $crate::json::JsonPath, visitor: &mut dyn $crate::json::Visitor) {
                match self {
                    $(
                        $name::$variant(value) => {
                            if <$ty as $crate::json::JsonField>::HOLDS_MESSAGES {
                                path.with_key($json, |path| $crate::json::JsonField::walk(value, path, visitor));
                            }
                        }
                    )*
                }
            }
        }
    };
}

/// Declares a protobuf enum: the first value is the zero value and the default.
macro_rules! proto_enum {
    (
        $(#[$attr:meta])*
        pub enum $name:ident = $full_name:literal {
            $(#[$first_attr:meta])*
            $first:ident = ($first_number:literal, $first_name:literal),
            $(
                $(#[$variant_attr:meta])*
                $variant:ident = ($number:literal, $proto_name:literal),
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub enum $name {
            $(#[$first_attr])*
            #[default]
            $first,
            $(
                $(#[$variant_attr])*
                $variant,
            )*
        }

        impl $name {
            /// Every value, in number order; the first is the zero value.
            pub const ALL: &'static [$name] = &[$name::$first, $($name::$variant,)*];

            /// The value's name in the schema, which is also its JSON form.
            pub fn as_str_name(self) -> &'static str {
                match self {
                    $name::$first => $first_name,
                    $( $name::$variant => $proto_name, )*
                }
            }

            /// The value with this schema name, if there is one (names are case-sensitive).
            pub fn from_str_name(name: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.as_str_name() == name)
            }

            /// The value's number in the schema.
            pub fn number(self) -> i32 {
                match self {
                    $name::$first => $first_number,
                    $( $name::$variant => $number, )*
                }
            }

            /// The value with this number, if there is one.
            pub fn from_number(number: i32) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.number() == number)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str_name())
            }
        }

        impl $crate::json::JsonField for $name {
            fn read_json(json: &::serde_json::Value, r: &mut $crate::json::Reader) -> Option<Self> {
                let found = match json {
                    ::serde_json::Value::String(text) => $name::from_str_name(text),
                    ::serde_json::Value::Number(number) => {
                        number.as_i64().and_then(|number| i32::try_from(number).ok()).and_then($name::from_number)
                    }
                    other => {
                        r.wrong_type("an enum value name (a string) or number", other);
                        return None;
                    }
                };
                if found.is_none() {
                    let value = match json {
                        ::serde_json::Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    let expected = $name::ALL.iter().map(|value| value.as_str_name()).collect::<Vec<_>>().join(", ");
                    let name = $full_name.rsplit('.').next().unwrap_or($full_name);
                    r.fail($crate::error::Reason::UnknownEnumValue { name, value, expected });
                }
                found
            }

            fn is_default(&self) -> bool {
                *self == $name::$first
            }

            fn write_json(&self, w: &mut $crate::json::Writer) {
                w.string(self.as_str_name());
            }
        }
    };
}
