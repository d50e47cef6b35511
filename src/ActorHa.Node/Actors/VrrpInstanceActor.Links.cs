using System.Globalization;
using System.Net.NetworkInformation;
using ActorHa.Config.Model;
using ActorHa.Node.Io;
using ActorHa.Protocol.Frames;
using ActorHa.Protocol.StateMachine;
using ActorHa.Protocol.Vrrp;
using Akka.Actor;

namespace ActorHa.Node.Actors;

/// <summary>
/// The instance's links. Its own interface and each track_interface entry are followed through /links: their
/// states go into a <see cref="TrackingState"/>, which says what faults the instance and what weight the entries
/// add. A missing interface keeps the instance in FAULT until /links reports it. With use_vmac the instance first
/// asks /kernel for its macvlan, puts its VIPs there and sends adverts from it (from the base with vmac_xmit_base).
/// </summary>
internal sealed partial class VrrpInstanceActor
{
    private const string LinksPath = "/user/node/links";

    private readonly Dictionary<string, LinkMonitor.LinkState> _linkStates = new(StringComparer.Ordinal);
    private readonly string? _vmac;
    private TrackingState _tracking;
    private bool _vmacRequested;
    private bool _vmacReady;

    private void ReceiveLinkEvents()
    {
        Receive<LinkMonitor.LinkState>(OnLinkState);
        Receive<LinkMonitor.AddressChanged>(OnAddressChanged);
    }

    private string OwnInterface => _config.Interface ?? "eth0";

    /// <summary>use_vmac's name, or keepalived's default <c>vrrp.VRID</c>; null without use_vmac.</summary>
    private static string? VmacName(VrrpInstance c) =>
        c.UseVmac is { } v ? v.InterfaceName ?? string.Create(CultureInfo.InvariantCulture, $"vrrp.{c.VirtualRouterId}") : null;

    private static TrackingState NewTracking(VrrpInstance c) =>
        new(c.DontTrackPrimary ? null : c.Interface ?? "eth0", c.TrackInterface.Select(t => new TrackedLink(t.Name, t.Weight, t.Reverse)));

    /// <summary>The own interface is always followed (registration waits for it), even with dont_track_primary.</summary>
    private void SubscribeLinks()
    {
        var links = Context.ActorSelection(LinksPath);
        foreach (var name in _tracking.Interfaces.Prepend(OwnInterface).Distinct(StringComparer.Ordinal))
        {
            links.Tell(new LinkMonitor.Subscribe(Self, name));
        }
    }

    /// <summary>
    /// Leaving: no more link news, and the vmac goes (fire and forget: nobody is left to hear the answer; the
    /// kernel's ledger removes it at the node's stop should this request be lost).
    /// </summary>
    private void ReleaseLinks()
    {
        Context.ActorSelection(LinksPath).Tell(new LinkMonitor.Unsubscribe(Self));
        if (_vmac is not null && (_vmacReady || _vmacRequested))
        {
            _settings.Kernel.Tell(new KernelRequests.DeleteVmac(Name, _vmac), ActorRefs.NoSender);
        }
    }

    /// <summary>A reload changed track_interface or dont_track_primary: the known link states carry over.</summary>
    private void RetrackLinks()
    {
        var old = _tracking.Interfaces.ToList();
        _tracking = NewTracking(_config);
        foreach (var state in _linkStates.Values)
        {
            _tracking.Update(state.Name, state.Up);
        }

        foreach (var gone in old.Except(_tracking.Interfaces, StringComparer.Ordinal))
        {
            OnFaultChanged(new FaultChanged(TrackingState.Source(gone), null));
        }

        SubscribeLinks();
        ApplyLinkFaults();
    }

    private void OnLinkState(LinkMonitor.LinkState link)
    {
        _linkStates[link.Name] = link;
        if (link.Name == OwnInterface && link.Exists && (_faults.ContainsKey(InterfaceFault) || _interface?.Index != link.Index))
        {
            if (_interface is not null && _interface.Index != link.Index)
            {
                // The interface was deleted and made again: a macvlan on the old one went with it.
                _vmacReady = false;
            }

            Register();
        }

        if (_tracking.Update(link.Name, link.Up))
        {
            ApplyLinkFaults();
            var total = TrackingTotal();
            if (_state is not null && total != _state.TrackingWeight)
            {
                Handle(new PriorityChanged(total));
            }
        }
    }

    /// <summary>An address appeared where registration found none: try again now rather than on a timer.</summary>
    private void OnAddressChanged(LinkMonitor.AddressChanged change)
    {
        if (!change.Removed && change.Interface == OwnInterface && _faults.ContainsKey(InterfaceFault))
        {
            Register();
        }
    }

    private void ApplyLinkFaults()
    {
        foreach (var name in _tracking.Interfaces)
        {
            OnFaultChanged(new FaultChanged(TrackingState.Source(name), _tracking.FaultOf(name)));
        }
    }

    /// <summary>True when there is no vmac to wait for; otherwise asks /kernel for it (once) and registers when it answers.</summary>
    private bool VmacReady()
    {
        if (_vmac is null || _vmacReady)
        {
            return true;
        }

        if (!_vmacRequested)
        {
            _vmacRequested = true;
            _settings.Kernel.Tell(new KernelRequests.CreateVmac(Name, OwnInterface, _vmac, VmacAddress(), _family == VrrpAddressFamily.IPv6));
        }

        return false;
    }

    private void OnVmacCreated(KernelRequests.Done done)
    {
        _vmacRequested = false;
        // A sysctl the kernel refused is logged but does not stop the instance; a vmac that is not there does.
        if (InterfaceInfo.Find(_vmac!) is null)
        {
            OnRegistrationFailed($"cannot create vmac {_vmac}: {string.Join("; ", done.Errors)}", waitForLink: false);
            return;
        }

        _vmacReady = true;
        Register();
    }

    /// <summary>Where adverts go: the vmac, unless vmac_xmit_base (or no use_vmac) keeps them on the base interface.</summary>
    private InterfaceInfo? AdvertInterface(InterfaceInfo baseInterface) =>
        _vmac is null || _config.VmacXmitBase ? baseInterface : InterfaceInfo.Find(_vmac);

    /// <summary>With use_vmac, the VIPs of the instance's family that sit on its interface go on the vmac instead.</summary>
    private KernelRequests.Vip VipDevice(KernelRequests.Vip vip, VrrpInstance config) =>
        _vmac is not null && vip.Device == (config.Interface ?? "eth0") && vip.Address.Family == config.Family ? vip with { Device = _vmac } : vip;

    /// <summary>
    /// use_vmac's MAC: as written, or with five octets completed by the VRID, or the RFC's virtual router MAC
    /// 00:00:5e:00:01:VRID (00:00:5e:00:02:VRID for IPv6).
    /// </summary>
    private PhysicalAddress VmacAddress()
    {
        var vrid = (byte)_config.VirtualRouterId;
        var written = _config.UseVmac?.MacAddress?.Split(':');
        if (written is { Length: 5 or 6 } && written.All(o => o.Length is 1 or 2 && o.All(char.IsAsciiHexDigit)))
        {
            var octets = written.Select(o => byte.Parse(o, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            return new PhysicalAddress((written.Length == 5 ? octets.Append(vrid) : octets).ToArray());
        }

        return VirtualMac.For(_family, vrid);
    }
}
