using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace UpgradeSample;

/// <summary>
/// Carries the <see cref="ChatRoom"/> across instances of the app through Redis pub/sub, as SignalR's Redis backplane
/// scales out hubs: each instance publishes its members' messages on one channel and delivers what the other instances
/// publish there to its own members. Turned on by the <c>Chat:Redis</c> setting (a StackExchange.Redis configuration
/// string such as <c>localhost:6379</c>).
/// </summary>
/// <remarks>
/// Order: Redis delivers a channel's messages to a subscriber in the order it received the PUBLISH commands, and one
/// connection's commands in the order sent. Each instance publishes from one loop, one message after the other, and reads
/// its one subscription queue (<see cref="ChannelMessageQueue"/>) from one loop, so every instance sees another
/// instance's messages in the order that instance's room received them. Each payload starts with the publishing
/// instance's id, so an instance skips its own messages, which its members already had.
/// </remarks>
public sealed partial class RedisChatBackplane : BackgroundService
{
    /// <summary>The setting that turns the backplane on: a StackExchange.Redis configuration string.</summary>
    public const string ConfigurationKey = "Chat:Redis";

    /// <summary>The setting naming the pub/sub channel every instance of one chat shares.</summary>
    public const string ChannelConfigurationKey = "Chat:RedisChannel";

    /// <summary>The channel used when <see cref="ChannelConfigurationKey"/> is not set.</summary>
    public const string DefaultChannel = "httpupgrade-sample:chat";

    private const int InstanceIdLength = 16;

    // Messages kept for Redis while it is away (the publisher waits in StackExchange.Redis's backlog meanwhile).
    private const int RelayCapacity = 1024;

    private static readonly TimeSpan s_subscribeRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ChatRoom _room;
    private readonly ChannelReader<byte[]> _outgoing;
    private readonly ConfigurationOptions _options;
    private readonly RedisChannel _channel;
    private readonly string _channelName;
    private readonly byte[] _instanceId = Guid.NewGuid().ToByteArray();
    private readonly ILogger<RedisChatBackplane> _logger;

    /// <summary>Joins <paramref name="room"/> to the Redis server and channel that <paramref name="configuration"/> names.</summary>
    public RedisChatBackplane(ChatRoom room, IConfiguration configuration, ILogger<RedisChatBackplane> logger)
    {
        string redis = configuration[ConfigurationKey] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"'{ConfigurationKey}' names no Redis server.");

        _room = room;
        _logger = logger;
        _channelName = configuration[ChannelConfigurationKey] is { Length: > 0 } channel ? channel : DefaultChannel;
        _channel = RedisChannel.Literal(_channelName);
        _options = ConfigurationOptions.Parse(redis);

        // Start even when Redis is down, and keep reconnecting: the chat then works on each instance alone until Redis
        // is back, instead of the app failing to start or stopping. Retrying every second (rather than the default
        // exponential backoff) rejoins the instances soon after a Redis restart.
        _options.AbortOnConnectFail = false;
        _options.ReconnectRetryPolicy = new LinearRetry(1000);
        _options.ClientName ??= "UpgradeSample";

        // Taken here, when the host builds its services, so no member can join before the room relays its messages.
        _outgoing = room.RelayToOtherInstances(RelayCapacity);
    }

    /// <summary>This instance's id, the first 16 bytes of every message it publishes.</summary>
    public Guid InstanceId => new(_instanceId);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Connecting(_logger, _options.ToString(includePassword: false), _channelName, InstanceId);
        await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_options);
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        if (!redis.IsConnected)
        {
            // A failed first connection raises no ConnectionFailed event: say here that the instance is on its own for now.
            Log.NotReachableYet(_logger, _options.ToString(includePassword: false));
        }

        try
        {
            ISubscriber subscriber = redis.GetSubscriber();
            ChannelMessageQueue queue = await SubscribeAsync(redis, subscriber, stoppingToken);
            Log.Subscribed(_logger, _channelName);
            await Task.WhenAll(PublishAllAsync(subscriber, stoppingToken), ReceiveAllAsync(queue, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionFailed;
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    private async Task<ChannelMessageQueue> SubscribeAsync(ConnectionMultiplexer redis, ISubscriber subscriber, CancellationToken stoppingToken)
    {
        while (true)
        {
            // Once made, the subscription is the multiplexer's to keep: it subscribes again on every reconnection.
            // Until Redis has answered once, wait, rather than queue a SUBSCRIBE that could time out.
            if (redis.IsConnected)
            {
                try
                {
                    return await subscriber.SubscribeAsync(_channel);
                }
                catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException)
                {
                    Log.SubscribeFailed(_logger, _channelName, exception.Message);
                }
            }

            await Task.Delay(s_subscribeRetryDelay, stoppingToken);
        }
    }

    private async Task PublishAllAsync(ISubscriber subscriber, CancellationToken stoppingToken)
    {
        await foreach (byte[] message in _outgoing.ReadAllAsync(stoppingToken))
        {
            byte[] payload = new byte[InstanceIdLength + message.Length];
            _instanceId.CopyTo(payload, 0);
            message.CopyTo(payload, InstanceIdLength);
            try
            {
                // Awaited one by one: a later message never overtakes an earlier one, even across a reconnection.
                await subscriber.PublishAsync(_channel, payload);
            }
            catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException)
            {
                // This instance's members had the message; the other instances' members miss it.
                Log.PublishFailed(_logger, _channelName, exception.Message);
            }
        }
    }

    private async Task ReceiveAllAsync(ChannelMessageQueue queue, CancellationToken stoppingToken)
    {
        await foreach (ChannelMessage message in queue.WithCancellation(stoppingToken))
        {
            byte[]? payload = (byte[]?)message.Message;
            if (payload is null || payload.Length < InstanceIdLength)
            {
                Log.ForeignMessageIgnored(_logger, _channelName);
                continue;
            }

            if (payload.AsSpan(0, InstanceIdLength).SequenceEqual(_instanceId))
            {
                continue;   // Ours: this instance's members had it when it was sent.
            }

            _room.DeliverFromOtherInstance(payload.AsSpan(InstanceIdLength).ToArray());
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
        => Log.ConnectionLost(_logger, e.ConnectionType, e.EndPoint?.ToString(), e.FailureType, e.Exception?.Message);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
        => Log.ConnectionRestored(_logger, e.ConnectionType, e.EndPoint?.ToString());

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Chat backplane: connecting to Redis ({Configuration}), channel '{Channel}', instance {InstanceId}", EventName = "Connecting")]
        public static partial void Connecting(ILogger logger, string configuration, string channel, Guid instanceId);

        [LoggerMessage(2, LogLevel.Information, "Chat backplane: subscribed to '{Channel}'", EventName = "Subscribed")]
        public static partial void Subscribed(ILogger logger, string channel);

        [LoggerMessage(3, LogLevel.Warning, "Chat backplane: lost the Redis {ConnectionType} connection to {EndPoint} ({FailureType}: {Reason}); reconnecting, and this instance's members chat among themselves meanwhile", EventName = "ConnectionLost")]
        public static partial void ConnectionLost(ILogger logger, ConnectionType connectionType, string? endPoint, ConnectionFailureType failureType, string? reason);

        [LoggerMessage(4, LogLevel.Information, "Chat backplane: Redis {ConnectionType} connection to {EndPoint} restored", EventName = "ConnectionRestored")]
        public static partial void ConnectionRestored(ILogger logger, ConnectionType connectionType, string? endPoint);

        [LoggerMessage(5, LogLevel.Warning, "Chat backplane: could not subscribe to '{Channel}' ({Reason}); trying again", EventName = "SubscribeFailed")]
        public static partial void SubscribeFailed(ILogger logger, string channel, string reason);

        [LoggerMessage(6, LogLevel.Warning, "Chat backplane: a message was not published on '{Channel}', so other instances miss it ({Reason})", EventName = "PublishFailed")]
        public static partial void PublishFailed(ILogger logger, string channel, string reason);

        [LoggerMessage(8, LogLevel.Warning, "Chat backplane: Redis ({Configuration}) is not reachable yet; this instance's members chat among themselves until it is", EventName = "NotReachableYet")]
        public static partial void NotReachableYet(ILogger logger, string configuration);

        [LoggerMessage(7, LogLevel.Debug, "Chat backplane: ignored a message on '{Channel}' that no instance of this sample published", EventName = "ForeignMessageIgnored")]
        public static partial void ForeignMessageIgnored(ILogger logger, string channel);
    }
}

/// <summary>Registers the sample's optional parts from configuration.</summary>
public static class ChatBackplaneServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="ChatRoom"/> and, when <see cref="RedisChatBackplane.ConfigurationKey"/> is set, the Redis
    /// backplane that joins it to the same room on other instances. Without the setting nothing touches Redis.
    /// </summary>
    public static IServiceCollection AddChatRoom(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ChatRoom>();
        if (!string.IsNullOrEmpty(configuration[RedisChatBackplane.ConfigurationKey]))
        {
            services.AddHostedService<RedisChatBackplane>();
        }

        return services;
    }
}
