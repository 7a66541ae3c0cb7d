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

            fn read_fields<'de, A: ::serde::de::MapAccess<'de>>(
                object: &mut A,
                message: &mut Self,
                r: &mut $crate::json::Reader,
            ) -> Result<(), A::Error> {
                let mut seen = $crate::json::Seen::new();
                while let Some(key) = $crate::json::next_key(object)? {
                    let key: &str = &key;
                    $( read_entry!($spec, message, $field, $ty, key, object, seen, r); )*
                    seen.skip_unknown(key, $full_name, object, r)?;
                }
                Ok(())
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
            const EXPECTED: &'static str = "an object";

            fn read_object<'de, A: ::serde::de::MapAccess<'de>>(
                mut object: A,
                place: &mut Self,
                r: &mut $crate::json::Reader,
            ) -> Result<bool, A::Error> {
                <Self as $crate::json::MessageJson>::read_fields(&mut object, place, r)?;
                Ok(true)
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

/// The reading of one declared field inside `read_fields`' loop over keys: if the key names the
/// field, its value is read (or skipped) and the loop goes on to the next key.
macro_rules! read_entry {
    (
        ($number:literal, $json:literal, $proto:literal),
        $message:ident, $field:ident, $ty:ty, $key:ident, $object:ident, $seen:ident, $r:ident
    ) => {
        if let Some(key) = $crate::json::declared_name($key, $json, $proto) {
            $seen.read_field($json, key, $object, &mut $message.$field, $r)?;
            continue;
        }
    };
    (oneof, $message:ident, $field:ident, $ty:ty, $key:ident, $object:ident, $seen:ident, $r:ident) => {
        if let Some(key) = <<$ty as $crate::json::OneofField>::Member as $crate::json::Oneof>::member_key($key) {
            $seen.read_member(key, $object, &mut $message.$field, $r)?;
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
            $path.with_field($json, |path| $crate::json::JsonField::walk(&$self.$field, path, $visitor));
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

            fn member_key(key: &str) -> Option<&'static str> {
                $(
                    if let Some(key) = $crate::json::declared_name(key, $json, $proto) {
                        return Some(key);
                    }
                )*
                None
            }

            fn read_member<'de, D: ::serde::de::Deserializer<'de>>(
                key: &'static str,
                json: D,
                place: &mut Option<Self>,
                r: &mut $crate::json::Reader,
            ) -> Result<$crate::json::Read, D::Error> {
                $(
                    if key == $json || key == $proto {
                        // Read beside the oneof, which is set only if the value is usable.
                        let mut value = <$ty>::default();
                        let read = <$ty as $crate::json::JsonField>::read_json(json, &mut value, r)?;
                        if read == $crate::json::Read::Set {
                            *place = Some($name::$variant(value));
                        }
                        return Ok(read);
                    }
                )*
                unreachable!("`{key}` names no member of the oneof `{}`", $oneof_name)
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
                                path.with_field($json, |path| $crate::json::JsonField::walk(value, path, visitor));
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
            const EXPECTED: &'static str = "an enum value name (a string) or number";

            fn read_scalar(scalar: $crate::json::Scalar<'_>, r: &mut $crate::json::Reader) -> Option<Self> {
                // The value as written, for the error when it names no value of the enum.
                let value = match scalar {
                    $crate::json::Scalar::String(text) => match $name::from_str_name(text) {
                        Some(found) => return Some(found),
                        None => text.to_owned(),
                    },
                    $crate::json::Scalar::Number(number) => {
                        match number.as_i64().and_then(|number| i32::try_from(number).ok()).and_then($name::from_number) {
                            Some(found) => return Some(found),
                            None => number.to_string(),
                        }
                    }
                    other => return $crate::json::reject_type(&other, r),
                };
                let expected = $name::ALL.iter().map(|value| value.as_str_name()).collect::<Vec<_>>().join(", ");
                let name = $full_name.rsplit('.').next().unwrap_or($full_name);
                r.fail($crate::error::Reason::UnknownEnumValue { name, value, expected });
                None
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
