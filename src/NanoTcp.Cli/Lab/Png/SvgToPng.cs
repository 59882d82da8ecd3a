#nullable enable

using SkiaSharp;
using Svg.Skia;

namespace NanoTcp.Cli.Lab;

/// <summary>
/// Renders the lab's SVG slides to PNG in-process with Skia (Svg.Skia), so a teacher gets a
/// picture for any slide tool without a browser. Fonts come from the system (DejaVu Sans on
/// Debian, Verdana or Arial elsewhere: the SVG names them in that order).
/// </summary>
public static class SvgToPng
{
    public static void Write(string svgText, string pngPath, float scale = 1f)
    {
        File.WriteAllBytes(pngPath, Render(svgText, scale));
    }

    public static byte[] Render(string svgText, float scale = 1f)
    {
        using var svg = new SKSvg();
        if (svg.FromSvg(svgText) == null || svg.Picture == null) throw new IOException("the SVG could not be read for PNG export");
        var bounds = svg.Picture.CullRect;
        int w = (int)Math.Ceiling(bounds.Width * scale), h = (int)Math.Ceiling(bounds.Height * scale);
        using var bitmap = new SKBitmap(w, h);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.Scale(scale);
            canvas.DrawPicture(svg.Picture);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
