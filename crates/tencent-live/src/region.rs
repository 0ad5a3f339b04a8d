//! Where an SDKAppID's REST API lives: one reserved host per region, each with a backup.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// The region of an SDKAppID (rest-apis.md §A.2), or a custom host.
///
/// Every region has a primary host and a backup host on another domain; use the backup when
/// the primary cannot be reached. Live-room pages list only China, Singapore, Silicon Valley
/// and Jakarta, and seat pages only Singapore: the others are Chat regions that may or may not
/// serve the live-room service.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Region {
    /// China: `console.tim.qq.com`.
    China,
    /// Singapore: `adminapisgp.im.qcloud.com`.
    Singapore,
    /// Seoul: `adminapikr.im.qcloud.com`.
    Seoul,
    /// Tokyo: `adminapijpn.im.qcloud.com`.
    Tokyo,
    /// Frankfurt: `adminapiger.im.qcloud.com`.
    Frankfurt,
    /// Mumbai: `adminapiind.im.qcloud.com`.
    Mumbai,
    /// Silicon Valley: `adminapiusa.im.qcloud.com`.
    SiliconValley,
    /// Jakarta: `adminapiidn.im.qcloud.com`.
    Jakarta,
    /// Any other host (`example.com`) or base URL (`https://proxy.example.com/tencent`,
    /// `http://127.0.0.1:8080` for a loopback emulator).
    Custom(String),
}

impl Region {
    /// Every named region, in the order of the vendor's table.
    pub const ALL: [Region; 8] = [
        Region::China,
        Region::Singapore,
        Region::Seoul,
        Region::Tokyo,
        Region::Frankfurt,
        Region::Mumbai,
        Region::SiliconValley,
        Region::Jakarta,
    ];

    /// The region's name as [`FromStr`] reads it (`singapore`); a custom region gives its host.
    pub fn name(&self) -> &str {
        match self {
            Region::China => "china",
            Region::Singapore => "singapore",
            Region::Seoul => "seoul",
            Region::Tokyo => "tokyo",
            Region::Frankfurt => "frankfurt",
            Region::Mumbai => "mumbai",
            Region::SiliconValley => "silicon-valley",
            Region::Jakarta => "jakarta",
            Region::Custom(host) => host,
        }
    }

    /// The primary host (for a custom region: what was given).
    pub fn host(&self) -> &str {
        match self {
            Region::China => "console.tim.qq.com",
            Region::Singapore => "adminapisgp.im.qcloud.com",
            Region::Seoul => "adminapikr.im.qcloud.com",
            Region::Tokyo => "adminapijpn.im.qcloud.com",
            Region::Frankfurt => "adminapiger.im.qcloud.com",
            Region::Mumbai => "adminapiind.im.qcloud.com",
            Region::SiliconValley => "adminapiusa.im.qcloud.com",
            Region::Jakarta => "adminapiidn.im.qcloud.com",
            Region::Custom(host) => host,
        }
    }

    /// The backup host, on the `my-imcloud.com` domain (none for a custom region).
    pub fn backup_host(&self) -> Option<&'static str> {
        Some(match self {
            Region::China => "adminapi.my-imcloud.com",
            Region::Singapore => "adminapisgp.my-imcloud.com",
            Region::Seoul => "adminapikr.my-imcloud.com",
            Region::Tokyo => "adminapijpn.my-imcloud.com",
            Region::Frankfurt => "adminapiger.my-imcloud.com",
            Region::Mumbai => "adminapiind.my-imcloud.com",
            Region::SiliconValley => "adminapiusa.my-imcloud.com",
            Region::Jakarta => "adminapiidn.my-imcloud.com",
            Region::Custom(_) => return None,
        })
    }

    /// The base URL of the primary host: `https://host`, or a custom URL as given.
    pub fn base_url(&self) -> String {
        as_url(self.host())
    }

    /// The base URL of the backup host, when the region has one.
    pub fn backup_base_url(&self) -> Option<String> {
        self.backup_host().map(as_url)
    }
}

fn as_url(host: &str) -> String {
    if host.contains("://") {
        host.trim_end_matches('/').to_owned()
    } else {
        format!("https://{}", host.trim_end_matches('/'))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = Error;

    /// Reads a region name, case-insensitively, with common aliases (`sgp`, `usa`, `india`,
    /// `germany`...). Anything with a dot or `://` is a custom host or URL.
    fn from_str(text: &str) -> Result<Region, Error> {
        let name = text.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        let region = match name.as_str() {
            "china" | "cn" | "mainland" => Region::China,
            "singapore" | "sgp" | "sg" => Region::Singapore,
            "seoul" | "korea" | "kr" => Region::Seoul,
            "tokyo" | "japan" | "jpn" | "jp" => Region::Tokyo,
            "frankfurt" | "germany" | "ger" | "de" => Region::Frankfurt,
            "mumbai" | "india" | "ind" | "in" => Region::Mumbai,
            "silicon-valley" | "siliconvalley" | "usa" | "us" => Region::SiliconValley,
            "jakarta" | "indonesia" | "idn" | "id" => Region::Jakarta,
            _ if text.contains('.') || text.contains("://") => {
                Region::Custom(text.trim().to_owned())
            }
            _ => {
                return Err(Error::Config(format!(
                    "unknown region {text:?}: use one of {}, or a host name",
                    Region::ALL.map(|r| r.name().to_owned()).join(", ")
                )));
            }
        };
        Ok(region)
    }
}
