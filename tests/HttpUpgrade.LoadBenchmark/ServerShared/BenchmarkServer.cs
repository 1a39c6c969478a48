using System;
using System.Globalization;
using System.Linq;
using System.Runtime;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// The parts of both servers that only the benchmark needs, identical in each: a stats endpoint the client reads
/// between runs, and a start that tells the client the port the OS picked.
/// </summary>
public static class BenchmarkServer
{
    private static AllocationSampler? s_sampler;
    private static long s_exceptions;

    /// <summary>
    /// <c>GET /stats</c>: this process's counters, taken first thing in the request so the request's own work falls
    /// between two readings only once (the client subtracts that, measured with back-to-back readings).
    /// <c>?gc</c> runs a full blocking collection first, for the live heap.
    /// </summary>
    public static void MapStats(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/stats", WriteStatsAsync);

    /// <summary>
    /// Starts the app, prints <c>listening http://127.0.0.1:PORT</c> on stdout and runs until stopped. Started by the
    /// client (<c>STOP_WHEN_STDIN_CLOSES=1</c>), it also stops when its standard input closes, so a client that dies
    /// leaves no server behind.
    /// </summary>
    public static async Task RunAsync(WebApplication app)
    {
        if (Environment.GetEnvironmentVariable("STOP_WHEN_STDIN_CLOSES") == "1")
        {
            _ = Task.Run(async () =>
            {
                await Console.In.ReadToEndAsync();
                app.Lifetime.StopApplication();
            });
        }

        s_sampler = AllocationSampler.StartIfAsked();
        AppDomain.CurrentDomain.FirstChanceException += static (_, _) => Interlocked.Increment(ref s_exceptions);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Console.Out.WriteLine("listening " + address);
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
    }

    private static Task WriteStatsAsync(HttpContext context)
    {
        if (context.Request.Query.ContainsKey("gc"))
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        Environment.ProcessCpuUsage usage = Environment.CpuUsage;
        TimeSpan cpu = usage.TotalTime;
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            allocated_bytes={allocated}
            cpu_us={cpu.Ticks / TimeSpan.TicksPerMicrosecond}
            working_set_bytes={Environment.WorkingSet}
            heap_bytes={GC.GetTotalMemory(forceFullCollection: false)}
            cpu_kernel_us={usage.PrivilegedTime.Ticks / TimeSpan.TicksPerMicrosecond}
            work_items={ThreadPool.CompletedWorkItemCount}
            exceptions={Interlocked.Read(ref s_exceptions)}
            gen0={GC.CollectionCount(0)}
            gen1={GC.CollectionCount(1)}
            gen2={GC.CollectionCount(2)}
            server_gc={GCSettings.IsServerGC}
            runtime={Environment.Version}

            """);
        byte[] body = Encoding.UTF8.GetBytes(text);

        // The client stops a server by killing it, so the samples so far are written with every reading.
        s_sampler?.Write();
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}
