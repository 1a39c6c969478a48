using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace HttpUpgrade.AspNetCore;

/// <summary>Writes an <see cref="UpgradeDecision"/> as it is: its status, its fields, its body. It decides nothing.</summary>
internal static class UpgradeResponseWriter
{
    /// <summary>Sets the status code and every field of <paramref name="decision"/> on the response.</summary>
    public static void SetHead(HttpResponse response, in UpgradeDecision decision)
    {
        response.StatusCode = decision.StatusCode;
        IHeaderDictionary headers = response.Headers;
        foreach (KeyValuePair<string, string> field in decision.ResponseFields)
        {
            headers.Append(field.Key, field.Value);
        }
    }

    /// <summary>Writes a rejection: its head, then its body.</summary>
    public static Task WriteAsync(HttpContext context, in UpgradeDecision decision)
    {
        HttpResponse response = context.Response;
        SetHead(response, decision);
        return response.Body.WriteAsync(decision.Body, context.RequestAborted).AsTask();
    }
}
