using QRCoder;

namespace Workbench.Web.Security;

/// <summary>A QR code of a sign-in link, made on this machine (no web service sees the token), as a PNG data URI for an img.</summary>
public static class SignInQrCode
{
    /// <summary><c>data:image/png;base64,…</c> of <paramref name="link"/>'s QR code, black on white so phones read it in either theme.</summary>
    public static string DataUri(string link)
    {
        var png = PngByteQRCodeHelper.GetQRCode(link, QRCodeGenerator.ECCLevel.M, 4);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
