<?xml version="1.0" encoding="UTF-8" ?>
<!-- saved by cineSync 3.9 -->
<session xmlns="http://www.cinesync.com/ns/session/3.0" xmlns:x="urn:example:studio" version="3" sessionFeatures="pro" x:project="orbit">
    <reviewState locked="true" />
    <media rating="4" userData="">
        <name>fx_explosion_v021.exr</name>
        <locators>
            <path>/shows/orbit/fx/fx_explosion_v021.####.exr</path>
            <path>\\fileserver\orbit\fx\fx_explosion_v021.####.exr</path>
            <shortHash>1f0e3dad99908345f7439f8ffabdffc4aabbccdd</shortHash>
        </locators>
        <colorSpace name="ACEScg" />
        <!-- per-media comment -->
        <x:approval by="dana">pending</x:approval>
        <annotation frame="7" layer="fx">
            <notes>debris too uniform</notes>
            <polygon color="#ffaa00" alpha="1" />
        </annotation>
    </media>
    <notes>Future elements must survive.</notes>
</session>
