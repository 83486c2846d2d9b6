<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" hashToken="0x2a17f3" sessionFeatures="pro">
    <stereo enabled="true" type="composite">
        <anamorphic value="true" />
        <anaglyph value="true" />
        <separation annotation="0.25" image="-0.125" />
    </stereo>
    <media active="true">
        <name>rocket_stereo_sbs_2k.mov</name>
        <locators>
            <path>/Volumes/Stereo/rocket_stereo_sbs_2k.mov</path>
            <shortHash>eccbc87e4b5ce2fe28308fd9f2a7baf3aabbccdd</shortHash>
        </locators>
        <annotation frame="1">
            <line color="#2bef16" alpha="1" thickness="0.01" id="a1b2c3d4-e5f6-4711-8899-aabbccddeeff:1">
                <point x="0.25" y="0.5" alpha="0.2" />
                <point x="0.26" y="0.52" alpha="0.35" />
                <point x="0.271" y="0.545" alpha="0.4" />
            </line>
            <line color="#2bef16" alpha="1" thickness="0.01" id="a1b2c3d4-e5f6-4711-8899-aabbccddeeff:2">
                <point x="0.3" y="0.44" alpha="0.18" />
                <point x="0.304" y="0.452" alpha="0.0078" />
            </line>
        </annotation>
    </media>
</session>
