//! Room metadata: small key-value pairs every member of a room can read.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::client::LIVE;
use crate::commands::rooms::check_room_id;
use crate::generated::envelope::Envelope;
use crate::generated::get_room_metadata_response::GetRoomMetadataResponse;
use crate::{Error, TencentClient};

#[derive(Serialize)]
struct KeysBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "Keys")]
    keys: Vec<&'a str>,
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(rename = "Key")]
    key: &'a str,
    #[serde(rename = "Value")]
    value: &'a str,
}

#[derive(Serialize)]
struct SetBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "Metadata")]
    metadata: Vec<Entry<'a>>,
}

impl TencentClient {
    /// `get_room_metadata`: the values of `keys`, or of every key when `keys` is empty.
    pub async fn room_metadata(
        &self,
        room_id: &str,
        keys: &[&str],
    ) -> Result<BTreeMap<String, String>, Error> {
        const COMMAND: &str = "get_room_metadata";
        check_room_id(COMMAND, room_id)?;
        let body = KeysBody {
            room_id,
            keys: keys.to_vec(),
        };
        let reply: GetRoomMetadataResponse = self.call(LIVE, COMMAND, &body).await?;
        Ok(reply
            .response
            .metadata
            .into_iter()
            .map(|entry| (entry.key, entry.value))
            .collect())
    }

    /// `set_room_metadata`: adds or replaces these pairs (the service allows 10 keys per call,
    /// keys of 50 bytes, values of 2 KB, 16 KB in all).
    pub async fn set_room_metadata<K: AsRef<str>, V: AsRef<str>>(
        &self,
        room_id: &str,
        entries: &[(K, V)],
    ) -> Result<(), Error> {
        const COMMAND: &str = "set_room_metadata";
        check_room_id(COMMAND, room_id)?;
        let body = SetBody {
            room_id,
            metadata: entries
                .iter()
                .map(|(k, v)| Entry {
                    key: k.as_ref(),
                    value: v.as_ref(),
                })
                .collect(),
        };
        let _: Envelope = self.call(LIVE, COMMAND, &body).await?;
        Ok(())
    }

    /// `del_room_metadata`: removes these keys.
    pub async fn delete_room_metadata(&self, room_id: &str, keys: &[&str]) -> Result<(), Error> {
        const COMMAND: &str = "del_room_metadata";
        check_room_id(COMMAND, room_id)?;
        let body = KeysBody {
            room_id,
            keys: keys.to_vec(),
        };
        let _: Envelope = self.call(LIVE, COMMAND, &body).await?;
        Ok(())
    }
}
