//! Colour: an embedded ICC profile (Adobe RGB, Display P3, ProPhoto…, and
//! the CMYK profiles of print work: FOGRA, SWOP…) turned into sRGB with
//! moxcms, so thumbnails, previews and exports show the colours the artist
//! saw.

use image::DynamicImage;

/// Converts `img` (8-bit RGB or RGBA) from the colour space `icc` describes
/// to sRGB, in place. A profile of another colour model (grey, CMYK) is
/// left alone: the decoder has already turned those into RGB.
pub fn to_srgb(img: &mut DynamicImage, icc: &[u8]) -> std::result::Result<(), String> {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let profile = ColorProfile::new_from_slice(icc).map_err(|e| e.to_string())?;
    if profile.color_space != DataColorSpace::Rgb {
        return Ok(());
    }
    let srgb = ColorProfile::new_srgb();
    let (layout, pixels): (Layout, &mut [u8]) = match img {
        DynamicImage::ImageRgb8(p) => (Layout::Rgb, p.as_mut()),
        DynamicImage::ImageRgba8(p) => (Layout::Rgba, p.as_mut()),
        _ => return Err("not 8-bit RGB".into()),
    };
    let transform = profile
        .create_transform_8bit(layout, &srgb, layout, TransformOptions::default())
        .map_err(|e| e.to_string())?;
    let src = pixels.to_vec();
    transform.transform(&src, pixels).map_err(|e| e.to_string())
}

/// [`to_srgb`] where there is a profile, for a thumbnail or a preview: a
/// profile that cannot be read leaves the colours as they are (logged).
pub fn shown_in_srgb(img: &mut DynamicImage, icc: Option<&[u8]>) {
    if let Some(icc) = icc
        && let Err(e) = to_srgb(img, icc)
    {
        log::debug!("an embedded colour profile was not used: {e}");
    }
}

/// Whether `icc` is a CMYK profile (its header's colour space is "CMYK").
pub fn is_cmyk_profile(icc: &[u8]) -> bool {
    icc.get(16..20) == Some(b"CMYK".as_slice())
}

/// 8-bit CMYK pixels (C, M, Y, K each 0 = no ink … 255 = full ink, as ICC
/// profiles count) as sRGB through the CMYK profile `icc`: a print file's
/// colours as its profile says they print, not the naive `(1−C)(1−K)`.
pub fn cmyk_to_srgb(cmyk: &[u8], icc: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let profile = ColorProfile::new_from_slice(icc).map_err(|e| e.to_string())?;
    if profile.color_space != DataColorSpace::Cmyk {
        return Err("not a CMYK profile".into());
    }
    let transform = profile
        .create_transform_8bit(
            Layout::Rgba,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .map_err(|e| e.to_string())?;
    let mut rgb = vec![0u8; cmyk.len() / 4 * 3];
    transform
        .transform(&cmyk[..cmyk.len() / 4 * 4], &mut rgb)
        .map_err(|e| e.to_string())?;
    Ok(rgb)
}

/// Whether `icc` is sRGB in effect: an RGB profile through which a grid of
/// colours comes out as sRGB within 2 of 255 (however the profile is named
/// or built: "sRGB IEC61966-2.1", a camera's "sRGB built-in", a v4 sRGB).
/// A JPEG so tagged can go into a PDF as it is.
pub fn is_srgb_profile(icc: &[u8]) -> bool {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let Ok(profile) = ColorProfile::new_from_slice(icc) else {
        return false;
    };
    if profile.color_space != DataColorSpace::Rgb {
        return false;
    }
    let Ok(transform) = profile.create_transform_8bit(
        Layout::Rgb,
        &ColorProfile::new_srgb(),
        Layout::Rgb,
        TransformOptions::default(),
    ) else {
        return false;
    };
    const STEPS: [u8; 9] = [0, 32, 64, 96, 128, 160, 192, 224, 255];
    let grid: Vec<u8> = STEPS
        .iter()
        .flat_map(|&r| {
            STEPS
                .iter()
                .flat_map(move |&g| STEPS.iter().flat_map(move |&b| [r, g, b]))
        })
        .collect();
    let mut out = vec![0u8; grid.len()];
    transform.transform(&grid, &mut out).is_ok()
        && grid.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 2)
}
