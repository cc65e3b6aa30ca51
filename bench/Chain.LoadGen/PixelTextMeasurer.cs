using OxyPlot;

namespace Chain.LoadGen;

/// <summary>
/// Measures text for the SVG plots in pixels. OxyPlot's SVG exporter measures with its PDF context, which returns
/// sizes in points (3/4 of a pixel), so legends and axis margins came out a quarter too narrow for the text a
/// browser draws; this scales the measured size back to pixels.
/// </summary>
public sealed class PixelTextMeasurer(double width, double height) : PdfRenderContext(width, height, OxyColors.White)
{
    private const double PixelsPerPoint = 96.0 / 72.0;

    public override OxySize MeasureText(string text, string fontFamily, double fontSize, double fontWeight)
    {
        var size = base.MeasureText(text, fontFamily, fontSize, fontWeight);
        return new OxySize(size.Width * PixelsPerPoint, size.Height * PixelsPerPoint);
    }
}
