<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" sessionFeatures="pro" version="3">
	<group>Hero shots</group>
	<group>Unused</group>
	<group>Stock</group>
    <media>
        <name>hero_sh0100_v007.mov</name>
		<locators>
			<path>D:\Projects\Orbit\renders\hero_sh0100_v007.mov</path>
			<shortHash>5d41402abc4b2a76b9719d911017c592aabbccdd</shortHash>
		</locators>
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
		<annotation frame="1">
			<circle id="7c1e2f30-1a2b-4c3d-8e9f-0a1b2c3d4e5f:4" color="#00ff66" alpha="1">
				<startPoint x="0.412500" y="0.300000" />
				<endPoint x="0.512500" y="0.450000" />
			</circle>
			<arrow id="7c1e2f30-1a2b-4c3d-8e9f-0a1b2c3d4e5f:5" color="#00ff66" alpha="0.8">
				<startPoint x="0.200000" y="0.200000" />
				<endPoint x="0.400000" y="0.350000" />
				<special value="false" />
			</arrow>
			<arrow id="7c1e2f30-1a2b-4c3d-8e9f-0a1b2c3d4e5f:6" color="#00ff66" alpha="1">
				<startPoint x="0.600000" y="0.200000" />
				<endPoint x="0.700000" y="0.650000" />
				<special value="true" />
				<flipSide value="true" />
				<reverse value="true" />
			</arrow>
			<line thickness="0.0025" id="0f9e8d7c-6b5a-4938-2716-050403020100:0" color="#ff0000" alpha="1">
				<point x="0.101000" y="0.802000" alpha="1.0" />
				<point x="0.103000" y="0.806000" alpha="0.9" />
				<point x="0.108000" y="0.811000" alpha="0.75" />
			</line>
        </annotation>
        <annotation frame="24">
			<text id="7c1e2f30-1a2b-4c3d-8e9f-0a1b2c3d4e5f:9">
				<startPoint x="0.650000" y="0.300000" />
				<endPoint x="0.800000" y="0.100000" />
				<background color="#202040" alpha="1" />
				<foreground color="#ffffff" alpha="1" />
				<p>hold the pose&#x0A;two frames longer</p>
			</text>
			<erase thickness="0.01" id="1a2b3c4d-0000-4000-8000-123456789abc:2">
				<point x="0.300000" y="0.300000" />
				<point x="0.310000" y="0.305000" />
			</erase>
        </annotation>
        <annotation frame="25">
			<notes>Same here.</notes>
			<line thickness="0.005" id="0f9e8d7c-6b5a-4938-2716-050403020100:3" color="#ff0000" alpha="1">
				<point x="0.500000" y="0.500000" alpha="1.0" />
			</line>
        </annotation>
    </media>
    <media>
        <name>hero_sh0110_v002.mov</name>
		<locators>
			<path>D:\Projects\Orbit\renders\hero_sh0110_v002.mov</path>
			<shortHash>e4da3b7fbbce2345d7772b0674a318d5aabbccdd</shortHash>
		</locators>
		<group>Hero shots</group>
    </media>
    <media>
        <name>stock_clouds_04.mov</name>
		<locators>
			<shortHash>1679091c5a880faf6fb5e6087eb1b2dcaabbccdd</shortHash>
		</locators>
        <zoomState>
			<scaleFactor value="2" />
			<center x="0.25" y="0.75" />
		</zoomState>
		<group>Stock</group>
    </media>
</session>
