<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="standard">
    <media currentFrame="0">
        <name>lost_file.mov</name>
        <annotation frame="0">
            <notes>frame zero</notes>
        </annotation>
        <annotation frame="-3">
            <notes>negative</notes>
        </annotation>
        <annotation frame="twelve">
            <notes>not a number</notes>
        </annotation>
        <annotation frame="5">
            <notes>first for five</notes>
            <line color="#ff0000" alpha="1" thickness="0.01" />
            <circle color="#00ff00" alpha="1">
                <startPoint x="0.1" y="0.1" />
                <endPoint x="0.2" y="0.2" />
            </circle>
        </annotation>
        <annotation frame="5">
            <notes>second for five</notes>
        </annotation>
        <playRange>
            <inFrame value="x" />
            <outFrame value="9" />
            <playOnlyRange value="true" />
        </playRange>
    </media>
</session>
